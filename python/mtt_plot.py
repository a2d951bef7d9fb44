#!/usr/bin/env python3
"""mtt-plot — learning curves from train.csv and parity plots from mtt eval.

    mtt-plot curves outputs/DATE/TIME/train.csv [MORE.csv or RUN_DIR ...] [-o curves.png]
    mtt-plot parity predictions.xyz reference.xyz [-o parity.png]

curves: the training loss and every RMSE/MAE column of train.csv per epoch,
training and validation, on log scales, units from the CSV's second row, the
best logged epoch marked (lowest product of the validation RMSEs, training
RMSEs without a validation set: the trainer's rule).  Several files (or run
folders) of one restarted training are joined into one curve: a restart's
train.csv repeats the earlier rows, so rows are de-duplicated by epoch (the
later file wins).

parity: predicted against reference energy per atom, force components and,
when both files have them, stress (and virial) components, with RMSE and MAE
on each panel computed as mtt prints them (docs/plots.md):
    energy  RMSE = sqrt(mean_s ((E_pred,s - E_ref,s) / N_s)^2), MAE = mean_s |...|
    forces  over all 3N components of all structures
    stress  over the 9 components of every periodic structure
in display units (eV shown as meV), printed with 6 significant digits (%.6g).

Output: PNG by default, SVG or PDF by the file's extension.  Errors are one
line on stderr, exit code 1 (2 for usage), and no output file.
Uses numpy and matplotlib (Agg) only; mtt itself never needs Python.
"""
import argparse
import csv
import math
import os
import re
import sys
import tempfile

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
CURVES_SIZE = (1200, 800)   # pixels at DPI
PARITY_SIZE = (1200, 450)
DPI = 100


class PlotError(Exception):
    """A user-facing problem: one sentence, printed as one line."""


# ---- units (as src/train/epoch_line.c) -------------------------------------

def display_unit(unit):
    """(factor, unit shown): eV is shown as meV, as mtt's log does."""
    for ev, mev in (("eV", "meV"), ("ev", "mev")):
        if unit.startswith(ev):
            return 1000.0, unit.replace(ev, mev)
    return 1.0, unit


def gradient_unit(energy_unit, length_unit):
    """Forces' unit: energy/length, with angstrom spelled A (as mtt)."""
    if not energy_unit:
        return ""
    if length_unit in ("", "angstrom", "Angstrom", "A", "\u00c5", "\u00e5ngstrom"):
        length_unit = "A"
    return "%s/%s" % (energy_unit, length_unit)


# ---- curves ------------------------------------------------------------------

def read_train_csv(path):
    """(names, units, rows) of one train.csv; rows are lists of floats."""
    if os.path.isdir(path):
        path = os.path.join(path, "train.csv")
    try:
        with open(path, newline="") as f:
            table = list(csv.reader(f))
    except OSError as e:
        raise PlotError("%s: cannot read (%s)" % (path, e.strerror))
    if len(table) < 2:
        raise PlotError("%s: not a train.csv (needs a header row and a unit row)" % path)
    names, units = table[0], table[1]
    if len(units) != len(names):
        raise PlotError("%s:2: the unit row has %d fields but the header has %d"
                        % (path, len(units), len(names)))
    for col in ("Epoch", "training loss"):
        if col not in names:
            raise PlotError("%s: missing column '%s'; is this an mtt train.csv?" % (path, col))
    rows = []
    for line_no, fields in enumerate(table[2:], start=3):
        if not fields:
            continue
        if len(fields) != len(names):
            raise PlotError("%s:%d: %d fields, the header has %d"
                            % (path, line_no, len(fields), len(names)))
        try:
            rows.append([float(v) if v != "" else math.nan for v in fields])
        except ValueError:
            raise PlotError("%s:%d: a value is not a number" % (path, line_no))
    if not rows:
        raise PlotError("%s: no epochs logged yet" % path)
    return path, names, units, rows


def join_runs(paths):
    """One table from the CSVs of a restarted training, one row per epoch."""
    first = None
    by_epoch = {}
    for p in paths:
        path, names, units, rows = read_train_csv(p)
        if first is None:
            first = (path, names, units)
        elif names != first[1]:
            raise PlotError("%s and %s have different columns; they are not one training"
                            % (first[0], path))
        e = names.index("Epoch")
        for r in rows:
            by_epoch[int(r[e])] = r  # the later run's row wins
    _, names, units = first
    rows = [by_epoch[k] for k in sorted(by_epoch)]
    return names, units, rows


def metric_columns(names, wanted):
    """Indices of the RMSE/MAE columns to draw (all, or those asked for)."""
    if wanted:
        for w in wanted:
            if w not in names:
                raise PlotError("missing column '%s'; the CSV has: %s" % (w, ", ".join(names)))
        return [names.index(w) for w in wanted]
    return [i for i, n in enumerate(names) if " RMSE" in n or " MAE" in n]


def quantity_of(name):
    """'validation forces RMSE' -> 'forces'."""
    parts = name.split()
    return parts[1] if len(parts) > 1 else name


def best_epoch(names, rows):
    """Lowest product of validation RMSEs (training without validation)."""
    for prefix in ("validation ", "training "):
        cols = [i for i, n in enumerate(names) if n.startswith(prefix) and " RMSE" in n]
        if cols:
            break
    if not cols:
        return None
    e = names.index("Epoch")
    best, best_value = None, math.inf
    for r in rows:
        p = 1.0
        for i in cols:
            p *= r[i]
        if p < best_value:
            best, best_value = int(r[e]), p
    return best


def plot_curves(args):
    names, units, rows = join_runs(args.inputs)
    cols = metric_columns(names, args.column)
    quantities = []
    for i in cols:
        q = quantity_of(names[i])
        if q not in quantities:
            quantities.append(q)
    import numpy as np
    table = np.array(rows, dtype=float)
    epochs = table[:, names.index("Epoch")]
    best = best_epoch(names, rows)

    fig = new_figure(args.size or CURVES_SIZE)
    n_panels = 1 + len(quantities)
    n_cols = 2 if n_panels > 1 else 1
    n_rows = (n_panels + n_cols - 1) // n_cols
    loss_ax = fig.add_subplot(n_rows, n_cols, 1)
    for i, name in enumerate(names):  # "training loss", and any other loss column
        if name.endswith(" loss"):
            loss_ax.plot(epochs, table[:, i], "o-" if name.startswith("training") else "s--",
                         ms=3, label=name)
    loss_ax.set_ylabel("loss")
    axes = {"loss": loss_ax}
    for k, q in enumerate(quantities):
        axes[q] = fig.add_subplot(n_rows, n_cols, 2 + k, sharex=loss_ax)
    for i in cols:
        name, unit = names[i], units[i]
        ax = axes[quantity_of(name)]
        style = "o-" if name.startswith("training") else "s--"
        if " MAE" in name:
            style = style[0] + ":"
        ax.plot(epochs, table[:, i], style, ms=3, label=name)
        ax.set_ylabel("%s%s" % (quantity_of(name), " [%s]" % unit if unit else ""))
    for ax in axes.values():
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.grid(True, which="both", alpha=0.3)
        if best is not None:
            ax.axvline(best, color="k", lw=0.8, ls="-.", label="best epoch %d" % best)
        ax.legend(fontsize="small")
    fig.suptitle("learning curves (%d epochs logged%s)"
                 % (len(rows), ", best: %d" % best if best is not None else ""))
    return fig


# ---- extended XYZ -------------------------------------------------------------

PAIR = re.compile(r'\s*([A-Za-z_][\w\-:.]*)(?:\s*=\s*("(?:[^"\\]|\\.)*"|\{[^}]*\}|\S+))?')


def parse_comment(text, where):
    """Key=value pairs of an extended-XYZ comment line (bare keys are True)."""
    info = {}
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = PAIR.match(text, pos)
        if not m or m.end() == pos:
            raise PlotError("%s: cannot read the comment line near '%s'" % (where, text[pos:pos + 20]))
        key, value = m.group(1), m.group(2)
        if value is None:
            value = "T"
        elif value[0] in "\"{":
            value = value[1:-1]
        info[key] = value
        pos = m.end()
    return info


def parse_properties(spec, where):
    """[(name, kind, ncols)] from species:S:1:pos:R:3:..."""
    f = spec.split(":")
    if len(f) % 3:
        raise PlotError("%s: Properties=%s is not name:type:count triples" % (where, spec))
    return [(f[i], f[i + 1], int(f[i + 2])) for i in range(0, len(f), 3)]


def numbers(text, where, key):
    try:
        return [float(v) for v in text.replace(",", " ").split()]
    except ValueError:
        raise PlotError("%s: %s=%s is not a list of numbers" % (where, key, text))


def read_xyz(path, keys):
    """Structures of an extended-XYZ file: dicts with n, species, energy,
    forces (n x 3), stress and virial (9 values), cell (9 values)."""
    import numpy as np
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise PlotError("%s: cannot read (%s)" % (path, e.strerror))
    frames = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        where = "%s:%d" % (path, i + 1)
        try:
            n = int(lines[i].split()[0])
        except ValueError:
            raise PlotError("%s: expected an atom count, found '%s'" % (where, lines[i][:40]))
        if i + 1 + n >= len(lines):
            raise PlotError("%s: the file ends inside this structure of %d atoms" % (where, n))
        info = parse_comment(lines[i + 1], "%s:%d" % (path, i + 2))
        props = parse_properties(info.get("Properties", "species:S:1:pos:R:3"),
                                 "%s:%d" % (path, i + 2))
        atoms = [lines[i + 2 + k].split() for k in range(n)]
        width = sum(c for _, _, c in props)
        for k, a in enumerate(atoms):
            if len(a) != width:
                raise PlotError("%s:%d: %d columns, Properties says %d"
                                % (path, i + 3 + k, len(a), width))
        frame = {"n": n, "line": i + 1}
        col = 0
        for name, kind, c in props:
            if name == "species":
                frame["species"] = [a[col] for a in atoms]
            elif name == keys["forces"]:
                try:
                    frame["forces"] = np.array([[float(v) for v in a[col:col + c]] for a in atoms])
                except ValueError:
                    raise PlotError("%s: a '%s' value is not a number" % (where, name))
            col += c
        if keys["energy"] in info:
            e = numbers(info[keys["energy"]], where, keys["energy"])
            if len(e) != 1:
                raise PlotError("%s: %s= must be one number" % (where, keys["energy"]))
            frame["energy"] = e[0]
        for q in ("stress", "virial"):
            if keys[q] in info:
                v = numbers(info[keys[q]], where, keys[q])
                if len(v) == 6:  # Voigt order xx yy zz yz xz xy
                    xx, yy, zz, yz, xz, xy = v
                    v = [xx, xy, xz, xy, yy, yz, xz, yz, zz]
                if len(v) != 9:
                    raise PlotError("%s: %s= needs 9 (or 6) numbers, found %d"
                                    % (where, keys[q], len(v)))
                frame[q] = np.array(v)
        if "Lattice" in info:
            frame["cell"] = numbers(info["Lattice"], where, "Lattice")
        frames.append(frame)
        i += 2 + n
    if not frames:
        raise PlotError("%s: no structures found" % path)
    return frames


def periodic(frame):
    cell = frame.get("cell")
    if not cell or len(cell) != 9:
        return False
    a = [cell[0:3], cell[3:6], cell[6:9]]
    det = (a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
           - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
           + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]))
    return abs(det) > 0.0


def check_match(pred, ref, pred_path, ref_path):
    if len(pred) != len(ref):
        raise PlotError("%s has %d structures but %s has %d; give the predictions made for "
                        "that reference file" % (pred_path, len(pred), ref_path, len(ref)))
    for k, (p, r) in enumerate(zip(pred, ref)):
        if p["n"] != r["n"]:
            raise PlotError("%s:%d: structure %d has %d atoms but %s:%d has %d; the files do "
                            "not hold the same structures"
                            % (pred_path, p["line"], k, p["n"], ref_path, r["line"], r["n"]))
        if p.get("species") and r.get("species") and p["species"] != r["species"]:
            raise PlotError("%s:%d: structure %d has other atomic species than %s:%d; the "
                            "files do not hold the same structures"
                            % (pred_path, p["line"], k, ref_path, r["line"]))


def gather(pred, ref, pred_path, ref_path, keys):
    """(reference, predicted) arrays per quantity, per-atom energies first."""
    import numpy as np
    out = {}
    for q, key in (("energy", keys["energy"]), ("forces", keys["forces"])):
        if all(q in r for r in ref):
            missing = [k for k, p in enumerate(pred) if q not in p]
            if missing:
                raise PlotError("%s:%d: missing column '%s' (structure %d)"
                                % (pred_path, pred[missing[0]]["line"], q, missing[0]))
            if q == "energy":
                out[q] = (np.array([r["energy"] / r["n"] for r in ref]),
                          np.array([p["energy"] / p["n"] for p in pred]))
            else:
                out[q] = (np.concatenate([r["forces"].ravel() for r in ref]),
                          np.concatenate([p["forces"].ravel() for p in pred]))
    if "energy" not in out:
        k = next(k for k, r in enumerate(ref) if "energy" not in r)
        raise PlotError("%s:%d: missing column '%s' (structure %d): the reference needs an "
                        "energy; name its key with --energy-key"
                        % (ref_path, ref[k]["line"], keys["energy"], k))
    for q in ("stress", "virial"):
        both = [(r, p) for r, p in zip(ref, pred) if periodic(r) and q in r and q in p]
        if both:
            out[q] = (np.concatenate([r[q] for r, _ in both]),
                      np.concatenate([p[q] for _, p in both]))
    return out


def metrics(ref, pred):
    """(RMSE, MAE) as mtt computes them: over every value given."""
    import numpy as np
    d = pred - ref
    return float(np.sqrt(np.mean(d * d))), float(np.mean(np.abs(d)))


def quantity_unit(q, energy_unit, length_unit):
    if q in ("energy", "virial"):
        return energy_unit
    g = gradient_unit(energy_unit, length_unit)
    return g if q == "forces" or not g else g + "^3"


def metric_text(q, rmse, mae, unit):
    """The line mtt prints for a set (src/train/trainer_report.c), %.6g."""
    per = " (per atom)" if q == "energy" else ""
    u = " " + unit if unit else ""
    return "%s RMSE%s: %.6g%s | %s MAE%s: %.6g%s" % (q, per, rmse, u, q, per, mae, u)


def plot_parity(args):
    keys = {"energy": args.energy_key, "forces": args.forces_key,
            "stress": args.stress_key, "virial": args.virial_key}
    pred_keys = {"energy": "energy", "forces": "forces", "stress": "stress", "virial": "virial"}
    pred = read_xyz(args.predictions, pred_keys)
    ref = read_xyz(args.reference, keys)
    check_match(pred, ref, args.predictions, args.reference)
    data = gather(pred, ref, args.predictions, args.reference, keys)
    fig = new_figure(args.size or PARITY_SIZE)
    texts = []
    order = [q for q in ("energy", "forces", "stress", "virial") if q in data]
    for k, q in enumerate(order):
        factor, unit = display_unit(quantity_unit(q, args.energy_unit, args.length_unit))
        r, p = data[q][0] * factor, data[q][1] * factor
        rmse, mae = metrics(r, p)
        texts.append(metric_text(q, rmse, mae, unit))
        ax = fig.add_subplot(1, len(order), k + 1)
        ax.plot(r, p, ".", ms=3, alpha=0.6)
        lo, hi = float(min(r.min(), p.min())), float(max(r.max(), p.max()))
        pad = 0.02 * (hi - lo if hi > lo else 1.0)
        ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], "k-", lw=0.8)
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(lo - pad, hi + pad)
        label = {"energy": "energy per atom", "forces": "force components",
                 "stress": "stress components", "virial": "virial components"}[q]
        u = " [%s]" % unit if unit else ""
        ax.set_xlabel("reference %s%s" % (label, u))
        ax.set_ylabel("predicted %s%s" % (label, u))
        ax.set_title(label)
        ax.text(0.04, 0.96, "RMSE: %.6g%s\nMAE: %.6g%s" % (rmse, " " + unit if unit else "",
                                                           mae, " " + unit if unit else ""),
                transform=ax.transAxes, va="top", ha="left", fontsize="small",
                bbox=dict(boxstyle="round", fc="white", alpha=0.8))
        ax.ticklabel_format(useOffset=False)  # absolute energies, not "x + 1.078e4"
        ax.grid(True, alpha=0.3)
    fig.suptitle("%s against %s (%d structures)"
                 % (os.path.basename(args.predictions), os.path.basename(args.reference), len(ref)))
    if args.print_metrics:
        for t in texts:
            print(t)
    return fig


# ---- output ---------------------------------------------------------------------

def new_figure(size):
    from matplotlib.figure import Figure
    w, h = size
    return Figure(figsize=(w / DPI, h / DPI), dpi=DPI, tight_layout=True)


def output_format(path):
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise PlotError("%s: unknown image type '%s'; use .png, .svg or .pdf"
                        % (path, ext or "(no extension)"))
    return FORMATS[ext]


def save(fig, path, fmt):
    """Write through a temporary file in the same folder: a failure leaves
    no output file, a success replaces it at once."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".mtt-plot-", suffix="." + fmt, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format=fmt, dpi=DPI)
        umask = os.umask(0)  # mkstemp made it 0600; give it a normal file's mode
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def parse_size(text):
    m = re.fullmatch(r"(\d+)x(\d+)", text)
    if not m or int(m.group(1)) < 100 or int(m.group(2)) < 100:
        raise argparse.ArgumentTypeError("'%s': give WIDTHxHEIGHT in pixels, each >= 100" % text)
    return int(m.group(1)), int(m.group(2))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="mtt-plot",
                                 description="Learning curves and parity plots of mtt runs.")
    sub = ap.add_subparsers(dest="command", metavar="{curves,parity}")
    c = sub.add_parser("curves", help="losses and RMSEs per epoch from train.csv")
    c.add_argument("inputs", nargs="+", metavar="CSV_OR_RUN_DIR",
                   help="train.csv files or run folders of one training, in order")
    c.add_argument("-o", "--output", default="curves.png", help="image (.png .svg .pdf)")
    c.add_argument("-c", "--column", action="append", metavar="NAME",
                   help="draw only this metric column (repeatable)")
    c.add_argument("--size", type=parse_size, metavar="WxH",
                   help="pixels (default %dx%d)" % CURVES_SIZE)
    p = sub.add_parser("parity", help="predicted against reference values")
    p.add_argument("predictions", help="extended XYZ written by mtt eval")
    p.add_argument("reference", help="extended XYZ with the reference values")
    p.add_argument("-o", "--output", default="parity.png", help="image (.png .svg .pdf)")
    p.add_argument("--energy-unit", default="eV", help="energy unit of the files (default eV)")
    p.add_argument("--length-unit", default="angstrom", help="length unit (default angstrom)")
    p.add_argument("--energy-key", default="energy", help="reference energy key (default energy)")
    p.add_argument("--forces-key", default="forces", help="reference forces column (default forces)")
    p.add_argument("--stress-key", default="stress", help="reference stress key (default stress)")
    p.add_argument("--virial-key", default="virial", help="reference virial key (default virial)")
    p.add_argument("--print-metrics", action="store_true",
                   help="also print the RMSE and MAE lines shown on the plot")
    p.add_argument("--size", type=parse_size, metavar="WxH",
                   help="pixels (default %dx%d)" % PARITY_SIZE)
    args = ap.parse_args(argv)
    if not args.command:
        ap.print_usage(sys.stderr)
        return 2
    try:
        fmt = output_format(args.output)
        import matplotlib
        matplotlib.use("Agg")
        fig = plot_curves(args) if args.command == "curves" else plot_parity(args)
        save(fig, args.output, fmt)
    except PlotError as e:
        print("mtt-plot %s: error: %s" % (args.command, e), file=sys.stderr)
        return 1
    except ImportError as e:
        print("mtt-plot: error: %s; install python3-matplotlib and python3-numpy" % e,
              file=sys.stderr)
        return 1
    except OSError as e:
        print("mtt-plot %s: error: %s: %s" % (args.command, e.filename or args.output,
                                              e.strerror), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
