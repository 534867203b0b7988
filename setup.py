"""Builds the tokenlens Python package from a source checkout (see pyproject.toml).

build_py runs CMake in setuptools' build_temp: the static C library, the SWIG extension
(tokenlens/_tokenlens_native*.so + _native.py + the generated stubs) and the tokenlens CLI (which
``python -m tokenlens`` runs), then copies them next to the pure-Python modules. Nothing is
downloaded. Set TOKENLENS_CMAKE_ARGS to pass extra -D options to CMake.
"""
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

ROOT = pathlib.Path(__file__).resolve().parent


def project_version():
    text = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    m = re.search(r"project\(tokenlens\s+VERSION\s+([0-9.]+)", text)
    if not m:
        raise RuntimeError("no 'project(tokenlens VERSION ...)' in CMakeLists.txt")
    return m.group(1)


class BinaryDistribution(Distribution):
    def has_ext_modules(self):  # the CMake-built extension makes the wheel platform-specific
        return True


class CMakeBuildPy(build_py):
    """build_py that first builds the native parts with CMake."""

    def run(self):
        super().run()
        build_dir = pathlib.Path(self.get_finalized_command("build").build_temp).resolve() / "cmake"
        build_dir.mkdir(parents=True, exist_ok=True)
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            "-DCMAKE_BUILD_TYPE=Release",
            "-DTL_BUILD_PYTHON=ON", "-DTL_BUILD_CLI=ON",
            "-DTL_BUILD_TESTS=OFF", "-DTL_BUILD_BENCH=OFF", "-DTL_BUILD_EXAMPLES=OFF",
            "-DTL_BUILD_FUZZ=OFF", "-DTL_BUILD_DOTNET=OFF",
            "-DPython3_EXECUTABLE=" + sys.executable,
        ]
        if shutil.which("ninja") and not (build_dir / "CMakeCache.txt").exists():
            configure += ["-G", "Ninja"]
        configure += shlex.split(os.environ.get("TOKENLENS_CMAKE_ARGS", ""))
        self.spawn(configure)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(min(os.cpu_count() or 1, 4)))
        self.spawn(["cmake", "--build", str(build_dir), "-j", jobs,
                    "--target", "tokenlens_python", "tokenlens_python_files", "tokenlens_cli"])
        stage = build_dir / "bindings" / "python" / "tokenlens"
        out = pathlib.Path(self.build_lib) / "tokenlens"
        natives = sorted(stage.glob("_tokenlens_native*")) + [stage / "_native.py"]
        natives += [stage / "_native.pyi", stage / "_tokenlens_native.pyi"] + sorted(stage.glob("_bin"))
        missing = [str(p) for p in natives if not p.exists()]
        if missing or not list(stage.glob("_tokenlens_native*")):
            raise RuntimeError("CMake did not produce the extension: %s" % (missing or stage))
        for src in natives:
            dst = out / src.name
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True)
            else:
                shutil.copy2(src, dst)


setup(version=project_version(), distclass=BinaryDistribution, cmdclass={"build_py": CMakeBuildPy})
