from setuptools import find_packages, setup

install_requires = ["aiohttp"]

setup(
    name="aiohttpdemo-polls",
    version="0.1.0",
    description="Polls project example from aiohttp",
    platforms=["POSIX"],
    packages=find_packages(),
    install_requires=install_requires,
    include_package_data=True,
    zip_safe=False,
)
