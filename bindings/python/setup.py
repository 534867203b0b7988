"""Packages the tokenlens binding that CMake has already built.

The extension tokenlens/__native*.so is compiled by CMake (SWIG + the static C library); this
file only tells setuptools that the wheel is platform-specific, so it is tagged for this
interpreter and platform instead of py3-none-any.
"""
from setuptools import setup
from setuptools.dist import Distribution


class BinaryDistribution(Distribution):
    def has_ext_modules(self):  # the prebuilt extension is package data
        return True


setup(distclass=BinaryDistribution)
