from setuptools import find_packages, setup

setup(
    name="acme-settings",
    version="1.4.0",
    packages=find_packages(),
    install_requires=["django>=3.2", "django-environ>=0.9"],
)
