# scripts/deps.sh — sourced by quickstart.sh and test.sh: make sure the Debian
# packages mtt needs are installed (apt-get when root, else print the line).
MTT_DEBIAN_PACKAGES="build-essential autoconf automake libtool pkg-config \
libopenmpi-dev openmpi-bin libhdf5-openmpi-dev libhdf5-dev hdf5-tools \
libopenblas-dev libyaml-dev libcurl4-openssl-dev libcunit1-dev python3 \
python3-numpy python3-h5py python3-matplotlib \
libkim-api-dev lammps liblammps-dev python3-lammps python3-ase"

mtt_install_deps() {
    missing=""
    for p in $MTT_DEBIAN_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "== installing Debian packages:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq || return 1
        apt-get install -y -qq --no-install-recommends $missing || return 1
    else
        echo "mtt needs these Debian packages:$missing" >&2
        echo "install them with:  sudo apt-get install -y$missing" >&2
        return 1
    fi
}

# Build in $1 (a folder under the source tree) with configure arguments $2...
mtt_build() {
    dir=$1; shift
    src=$(pwd)
    [ -x "$src/configure" ] || autoreconf -fi || return 1
    mkdir -p "$dir" && cd "$dir" || return 1
    if [ ! -f Makefile ]; then
        "$src/configure" "$@" || { cd "$src"; return 1; }
    fi
    make -j"$(nproc)" || { cd "$src"; return 1; }
    cd "$src"
}

# Open MPI as root (CI, containers) and on machines with few cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
