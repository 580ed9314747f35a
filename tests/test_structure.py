"The library's import structure: every module imports only modules of earlier notebooks (so no circle), at the top."
import ast, re
from pathlib import Path

PKG = Path(__file__).resolve().parents[1]/'featembed_nb'

def _modules():
    out = {}
    for f in sorted(PKG.glob('*.py')):
        if f.name.startswith('_'): continue
        src = f.read_text()
        m = re.search(r'File to edit: \.\./nbs/(\S+)\.ipynb', src)
        assert m, f"{f.name}: not exported from a notebook (hand-written modules are not allowed)"
        out[f.stem] = (m.group(1), ast.parse(src))
    return out

def _imports(tree):
    "(module imported, line, at top level) for every featembed_nb import."
    top = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom): continue
        mod = node.module or ''
        if node.level == 1: names = [mod.split('.')[0]] if mod else [a.name for a in node.names]
        elif mod == 'featembed_nb': names = [a.name for a in node.names]
        elif mod.startswith('featembed_nb.'): names = [mod.split('.')[1]]
        else: continue
        for n in names: yield n, node.lineno, id(node) in top

def test_imports_flow_from_earlier_notebooks():
    mods = _modules()
    later = [f"{m} ({nb}) imports {d} ({mods[d][0]}), line {line}" for m, (nb, tree) in mods.items()
             for d, line, _ in _imports(tree) if d in mods and d != m and mods[d][0] >= nb]
    assert not later, 'imports that run back up the notebook order:\n' + '\n'.join(later)

def test_library_imports_at_module_top():
    inside = [f"{m}: featembed_nb.{d} imported inside a function, line {line}" for m, (_, tree) in _modules().items()
              for d, line, top in _imports(tree) if not top and d != m]
    assert not inside, '\n'.join(inside)
