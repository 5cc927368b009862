# Shared by scripts/demo and scripts/test (POSIX sh, sourced from the repository root). Needs no root.

# Find a Python >= 3.11: python3.13, python3.12, python3.11, then python3. Sets PYTHON.
find_python() {
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            PYTHON=$candidate
            return 0
        fi
    done
    echo "Học Số needs Python 3.11 or newer (looked for python3.13, python3.12, python3.11, python3)." >&2
    echo "Install one (e.g. 'apt install python3 python3-venv' on Debian 12 or Ubuntu 24.04) and try again." >&2
    exit 1
}

# Create .venv if needed and install the project into it, editable, with the given extras ("" or "[test]").
# A stamp remembers what was installed from which pyproject.toml, so a second run starts at once.
ensure_venv() {
    extras=$1
    if [ ! -x .venv/bin/python ] ||
        ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
        find_python
        echo "==> Creating .venv with $PYTHON ($("$PYTHON" --version 2>&1))"
        rm -rf .venv
        if ! "$PYTHON" -m venv .venv 2>/dev/null; then
            rm -rf .venv
            # Debian/Ubuntu without python3-venv (which needs root): fall back to virtualenv, fetched by pip
            # from the package index into a scratch folder and run from its wheels, if pip is there.
            if "$PYTHON" -m pip --version >/dev/null 2>&1; then
                echo "==> python3-venv is missing; creating .venv with virtualenv instead"
                rm -rf .venv-bootstrap
                "$PYTHON" -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
                    -d .venv-bootstrap virtualenv
                PYTHONPATH=$(ls .venv-bootstrap/*.whl | tr '\n' ':') "$PYTHON" -m virtualenv --quiet .venv
                rm -rf .venv-bootstrap
            else
                echo "Could not create a virtual environment: this Python has neither venv nor pip." >&2
                echo "On Debian/Ubuntu ask an administrator for: apt install python3-venv" >&2
                exit 1
            fi
        fi
    fi
    stamp=".venv/.hocso-installed$(echo "$extras" | tr -c 'a-z\n' '-')"
    wanted="$(cksum < pyproject.toml)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        echo "==> Installing hocso$extras into .venv"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$extras"
        echo "$wanted" > "$stamp"
    fi
}
