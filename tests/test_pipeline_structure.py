"""The pipeline's shape: every stage reruns when library code it runs changes, dvc.yaml stays readable, and a fresh
clone finds its outputs of record up to date."""
import json, re, subprocess, sys
import pytest
from featembed_nb.paths import repo_root

ROOT = repo_root()

def library_imports(text: str) -> set[str]:
    "featembed_nb modules imported by source `text` (absolute or relative imports)."
    mods = set(re.findall(r'(?:from|import)\s+featembed_nb\.(\w+)', text)) | set(re.findall(r'from\s+\.(\w+)\s+import', text))
    return mods - {'_modidx'}

def module_closure(mods: set[str]) -> set[str]:
    "`mods` and every featembed_nb module they import, transitively."
    seen, todo = set(), list(mods)
    while todo:
        m = todo.pop()
        if m in seen or not (ROOT/'featembed_nb'/f'{m}.py').exists(): continue
        seen.add(m); todo += library_imports((ROOT/'featembed_nb'/f'{m}.py').read_text())
    return seen

def stages():
    from dvc.repo import Repo
    with Repo(str(ROOT)) as repo:
        return [(s.addressing, s.cmd, [str(d.def_path) for d in s.deps]) for s in repo.index.stages if s.cmd]

def test_stage_deps_cover_the_library_modules_their_notebook_runs():
    "A stage reruns when any library module its notebook runs (directly or through imports) changes."
    missing = {}
    for name, cmd, deps in stages():
        nb = re.search(r'papermill .*?(nbs/experiments/\S+\.ipynb)', cmd)
        assert nb, f'{name}: no notebook in its command'
        code = '\n'.join(''.join(c['source']) for c in json.loads((ROOT/nb.group(1)).read_text())['cells'] if c['cell_type'] == 'code')
        need = {f'featembed_nb/{m}.py' for m in module_closure(library_imports(code))}
        if lacking := sorted(need - set(deps)): missing[name] = lacking
    assert not missing, f"stages whose deps miss library modules they run: {missing}"

def test_stages_depend_on_the_evaluation_runs_they_read():
    "A stage that reads evaluation runs lists each run's folder (not all of results/eval, which every new run would invalidate)."
    import yaml
    params = yaml.safe_load((ROOT/'params.yaml').read_text())
    from_params = {'comparison': [r for r, v in params['evaluate']['runs'].items() if v['protocol'] == 'compare'],
                   'summary': params['summary']['runs'].split(',')}
    bad = {}
    for name, cmd, deps in stages():
        need = set(re.findall(r'(?<![\w/])eval/(\w+)', cmd)) | set(from_params.get(name, []))
        lacking = sorted(f'results/eval/{r}' for r in need if f'results/eval/{r}' not in deps)
        if lacking or 'results/eval' in deps: bad[name] = lacking + (['results/eval (whole)'] if 'results/eval' in deps else [])
    assert not bad, f"stages whose deps do not name the evaluation runs they read: {bad}"

def test_dvc_yaml_reads_at_a_glance():
    n = len((ROOT/'dvc.yaml').read_text().splitlines())
    assert n < 300, f'dvc.yaml has {n} lines'

def test_every_output_is_kept_in_git():
    "Outputs of record live in git (cache: false), so a clone has them; caches under cache/ are no stage's output."
    from dvc.repo import Repo
    with Repo(str(ROOT)) as repo:
        bad = [f'{s.addressing}: {o.def_path}' for s in repo.index.stages if s.cmd for o in s.outs if o.use_cache or str(o.def_path).startswith('cache')]
    assert not bad, bad

# Stages whose recorded outputs are known to be out of date, and why (none since the experiment family was retrained
# with the LPIPS recipe, 2026-11-30). The test below fails when any other stage is out of date in this checkout (a
# change that forgot its rerun) and when one of these is up to date again: a fresh clone's `make repro` has nothing to do.
KNOWN_STALE: dict[str, str] = {}

def test_fresh_checkout_is_up_to_date():
    r = subprocess.run([sys.executable, '-m', 'dvc', 'status', '--json'], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    stale = set(json.loads(r.stdout or '{}'))
    assert not stale - set(KNOWN_STALE), f'stages out of date (rerun them, or record why here): {sorted(stale - set(KNOWN_STALE))}'
    assert not set(KNOWN_STALE) - stale, f'up to date again, drop them from KNOWN_STALE: {sorted(set(KNOWN_STALE) - stale)}'

def notebook_defaults(path) -> dict:
    "The parameters cell of notebook `path`, executed."
    cell = next(c for c in json.loads((ROOT/path).read_text())['cells'] if 'parameters' in c['metadata'].get('tags', []))
    ns = {}; exec(''.join(cell['source']), ns)
    return {k: v for k, v in ns.items() if not k.startswith('__')}

def test_every_stage_names_the_shipped_model():
    """Shipping a model (package_model) means every stage about "the shipped model" reads it: its full-protocol, E1 and
    comparison runs, the summary/client/robustness tables, individuality@shipped, the claims, report.ipynb's defaults."""
    import yaml
    from featembed_nb.shipping import shipped_mismatches
    params = yaml.safe_load((ROOT/'params.yaml').read_text())
    report = {k: v for k, v in notebook_defaults('nbs/experiments/report.ipynb').items() if k in params['report']}
    assert set(report) == set(params['report']), 'report.ipynb lacks a parameter of params.yaml report'
    assert not (bad := shipped_mismatches(params, report)), f"package_model ships {params['package_model']['run']}, but: {bad} (benchmarks/gpu_lease.py ship moves them all)"
    assert shipped_mismatches(params, {**report, 'claims_hn': 'hn_old_g1'}) == [f"report.ipynb defaults claims_hn = 'hn_old_g1', params.yaml report.claims_hn = {params['report']['claims_hn']!r}"]
