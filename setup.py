"""Packaging from settings.ini (nbdev 2 convention): `pip install -e .`"""
from configparser import ConfigParser
import setuptools

cfg = ConfigParser(delimiters=['=']); cfg.read('settings.ini', encoding='utf-8'); cfg = cfg['DEFAULT']
setuptools.setup(
    name=cfg['lib_name'], version=cfg['version'], description=cfg['description'], author=cfg['author'],
    license=cfg['license'], python_requires=f">={cfg['min_python']}",
    packages=setuptools.find_packages(include=[cfg['lib_path'], cfg['lib_path'] + '.*']),
    include_package_data=True, zip_safe=False,
    package_data={cfg['lib_path']: ['assets/*.pt', 'assets/*.npy', 'assets/*.json']},   # the shipped HN (featembed protect)
    entry_points={'console_scripts': [s for s in cfg.get('console_scripts', '').split() if s],
                  'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
)
