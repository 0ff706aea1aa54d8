"""Build of the qconnect_c extension: the C core (csrc/) and its binding.

Links no third-party library: libcrypto (SHA-256) and libcurl are loaded
with dlopen at the first call that needs them, so that importing the
package and creating a client stay cheap (Debian: libssl3 and libcurl4,
built against libcurl4-openssl-dev libssl-dev). QC_SANITIZE=1 in the
environment builds with AddressSanitizer + UndefinedBehaviorSanitizer.
"""
import glob
import os

from setuptools import Extension, setup

extra_compile = ["-std=c11", "-D_DEFAULT_SOURCE", "-O3", "-g",
                 "-Wall", "-Wextra", "-Wno-unused-parameter",
                 "-Wno-missing-field-initializers", "-fvisibility=hidden"]
extra_link = []
if os.environ.get("QC_SANITIZE"):
    flags = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer"]
    extra_compile += flags
    extra_link += flags

core = Extension(
    "qconnect_c._core",
    sources=sorted(glob.glob("csrc/*.c")) + ["qconnect_c/_core.c"],
    include_dirs=["csrc"],
    # libcrypto and libcurl are not linked (see above).
    libraries=["pthread", "m", "dl"],
    extra_compile_args=extra_compile,
    extra_link_args=extra_link,
)

setup(ext_modules=[core])
