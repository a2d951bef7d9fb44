"""mtt_ase — an ASE calculator for models exported by mtt (.pt), over libmtt.

    from mtt_ase import MTTCalculator
    atoms.calc = MTTCalculator("model.pt")
    atoms.get_potential_energy(); atoms.get_forces(); atoms.get_stress()

Python standard library, numpy and ASE only: libmtt (include/mtt/mtt.h) is
called through ctypes, no compiled extension.  The library is found from
the `library` argument, else $MTT_LIBRARY, else the system's library path
(`make install` puts libmtt.so in $prefix/lib; run ldconfig or set
LD_LIBRARY_PATH when that is not a standard folder).
Properties: energy, free_energy (= energy), energies (per atom), forces,
stress (periodic cells only, ASE's sign: (1/V) ∂E/∂ε, Voigt order).  Any
mix of periodic and open directions is passed on; the stress needs all
three periodic.  Units: ASE's eV and Å; a model trained in kcal/mol,
Hartree or bohr is converted.
libmtt never calls MPI, and the parallel HDF5 it may be linked with works
without MPI_Init, also in a process that imported h5py (its serial HDF5).
"""
import ctypes
import ctypes.util
import os

import numpy as np
from ase import units
from ase.calculators.calculator import (Calculator, PropertyNotImplementedError,
                                        all_changes)

__all__ = ["MTTCalculator", "load_library"]

_MESSAGE_MAX = 1024


class _Error(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int), ("message", ctypes.c_char * _MESSAGE_MAX)]


_ENERGY = {"": 1.0, "ev": 1.0, "kcal/mol": units.kcal / units.mol,
           "kcal_mol": units.kcal / units.mol, "kj/mol": units.kJ / units.mol,
           "hartree": units.Hartree, "ha": units.Hartree}
_LENGTH = {"": 1.0, "angstrom": 1.0, "a": 1.0, "å": 1.0, "bohr": units.Bohr, "nm": 10.0}


def load_library(path=None):
    """libmtt as a ctypes library with the prototypes this module uses."""
    path = path or os.environ.get("MTT_LIBRARY") or ctypes.util.find_library("mtt") or "libmtt.so.0"
    lib = ctypes.CDLL(path)
    p, d, i = ctypes.c_void_p, ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_int)
    lib.mtt_model_open.argtypes = [ctypes.c_char_p, ctypes.c_uint, ctypes.POINTER(p),
                                   ctypes.POINTER(_Error)]
    lib.mtt_model_close.argtypes = [p]
    lib.mtt_model_close.restype = None
    lib.mtt_model_compute.argtypes = [p, ctypes.c_int, d, i, d, i, d, d, d, d,
                                      ctypes.POINTER(_Error)]
    for name in ("mtt_model_energy_unit", "mtt_model_length_unit", "mtt_model_name"):
        getattr(lib, name).argtypes = [p]
        getattr(lib, name).restype = ctypes.c_char_p
    lib.mtt_model_cutoff.argtypes = [p]
    lib.mtt_model_cutoff.restype = ctypes.c_double
    lib.mtt_model_atomic_types.argtypes = [p, ctypes.POINTER(ctypes.c_size_t)]
    lib.mtt_model_atomic_types.restype = i
    return lib


def _ptr(a, ctype):
    return a.ctypes.data_as(ctypes.POINTER(ctype)) if a is not None else None


class MTTCalculator(Calculator):
    """ASE calculator of an mtt exported model (see the module's docstring)."""

    implemented_properties = ["energy", "free_energy", "energies", "forces", "stress"]

    def __init__(self, model_path, library=None, quiet=False, **kwargs):
        Calculator.__init__(self, **kwargs)
        self._lib = load_library(library)
        self._model = ctypes.c_void_p()
        err = _Error()
        if self._lib.mtt_model_open(os.fsencode(model_path), 1 if quiet else 0,
                                    ctypes.byref(self._model), ctypes.byref(err)) != 0:
            raise RuntimeError(err.message.decode())
        eu = self._lib.mtt_model_energy_unit(self._model).decode().lower()
        lu = self._lib.mtt_model_length_unit(self._model).decode().lower()
        if eu not in _ENERGY or lu not in _LENGTH:
            self._close()
            raise ValueError("%s: units '%s' and '%s' are not ones this calculator converts to "
                             "eV and Å" % (model_path, eu, lu))
        self._energy_factor, self._length_factor = _ENERGY[eu], _LENGTH[lu]
        count = ctypes.c_size_t()
        types = self._lib.mtt_model_atomic_types(self._model, ctypes.byref(count))
        self.atomic_numbers = [types[k] for k in range(count.value)]
        self.cutoff = self._lib.mtt_model_cutoff(self._model) * self._length_factor

    def _close(self):
        if getattr(self, "_model", None) and self._model.value:
            self._lib.mtt_model_close(self._model)
            self._model = ctypes.c_void_p()

    def __del__(self):
        self._close()

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        Calculator.calculate(self, atoms, properties, system_changes)
        atoms = self.atoms
        n = len(atoms)
        lf, ef = self._length_factor, self._energy_factor
        positions = np.ascontiguousarray(atoms.positions / lf, dtype=np.float64)
        numbers = np.ascontiguousarray(atoms.numbers, dtype=np.intc)
        pbc = np.ascontiguousarray(atoms.pbc, dtype=np.intc)
        cell = np.ascontiguousarray(atoms.cell.array / lf, dtype=np.float64)
        periodic3 = bool(pbc.all())
        if "stress" in properties and not periodic3:
            raise PropertyNotImplementedError("stress needs a cell periodic in all three "
                                              "directions")
        energy = ctypes.c_double()
        forces = np.zeros((n, 3))
        energies = np.zeros(n)
        virial = np.zeros((3, 3))
        err = _Error()
        status = self._lib.mtt_model_compute(
            self._model, n, _ptr(positions, ctypes.c_double), _ptr(numbers, ctypes.c_int),
            _ptr(cell, ctypes.c_double) if pbc.any() else None,
            _ptr(pbc, ctypes.c_int), ctypes.byref(energy), _ptr(forces, ctypes.c_double),
            _ptr(energies, ctypes.c_double), _ptr(virial, ctypes.c_double) if periodic3 else None,
            ctypes.byref(err))
        if status != 0:
            raise RuntimeError(err.message.decode())
        self.results["energy"] = self.results["free_energy"] = energy.value * ef
        self.results["energies"] = energies * ef
        self.results["forces"] = forces * (ef / lf)
        if periodic3:
            s = -virial * ef / atoms.get_volume()  # ASE: (1/V) ∂E/∂ε = −W/V
            self.results["stress"] = np.array([s[0, 0], s[1, 1], s[2, 2], s[1, 2], s[0, 2],
                                               s[0, 1]])
