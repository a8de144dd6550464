# SPDX-License-Identifier: MIT
"""Build simdquad._core with the project's CMake build (the C library's
per-ISA kernels, SLEEF and OpenMP are CMake's business), for the
interpreter that runs pip: `pip install --no-build-isolation ./python`."""

import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent.parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = pathlib.Path(self.build_temp).resolve() / "cmake"
        build.mkdir(parents=True, exist_ok=True)
        subprocess.check_call([
            "cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
            "-DSIMDQUAD_BUILD_PYTHON=ON", "-DPython3_EXECUTABLE=" + sys.executable,
            "-DSIMDQUAD_BUILD_TESTS=OFF", "-DSIMDQUAD_BUILD_BENCH=OFF",
            "-DSIMDQUAD_BUILD_CLI=OFF"])
        subprocess.check_call(["cmake", "--build", str(build), "--target", "simdquad_py",
                               "-j", str(os.cpu_count() or 2)])
        built = next((build / "python" / "simdquad").glob("_core*.so"))
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(ext_modules=[Extension("simdquad._core", sources=[])],
      cmdclass={"build_ext": CMakeBuild})
