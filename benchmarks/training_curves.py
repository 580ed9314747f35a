"""Does near fall? The validation losses of one model's lineage of leases, epoch by epoch, against the faces it has seen.

    python benchmarks/training_curves.py MODEL_JSON LEASE_JSON [LEASE_JSON ...] --out results/gpu/cpu/near_far_curves

MODEL_JSON is the model's card (`models/gpu/hn_<arm>.json`: its `leases` give the faces per epoch); each LEASE_JSON a
lease record (`results/gpu/**/lease_*.json`) holding the arm's `history`. A later lease overrides an earlier one's epoch
(a resumed lease repeats the epochs it restarted from). Writes OUT.csv (one row per epoch) and OUT.png (near, far,
ASR and LPIPS on the validation covers). near = 1 − cos(f(E), f(D)), far = cos(f(C), f(D)) on the lease's EN (SFace);
D is matched to E's person only when near < 1 − SFace's LFW threshold (`results/recognizers.csv`: 1 − 0.335 = 0.665).

results/gpu/cpu/near_far_curves.{csv,png} came from the shipped model's lineage (hn_cpu_lpips6, 2026-12-07, 25th session; see README "Does D take
E's identity?").
"""
import argparse, json, sys
from pathlib import Path
import pandas as pd
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from featembed_nb.protocols import stage_threshold

COLUMNS = ('val_near', 'val_far', 'val_asr', 'val_lpips', 'val_psnr')

def faces_per_epoch(card: dict) -> dict:
    "Epoch (1-based) → faces trained in it, from the card's leases (samples spread evenly over each lease's epochs)."
    per = {}
    for lease in card['leases']:
        first, last = lease['epochs']
        for epoch in range(first + 1, last + 1): per[epoch] = lease['samples'] / max(last - first, 1)
    return per

def lineage_history(leases, arm: str) -> pd.DataFrame:
    "The arm's validation history over `leases` (paths, oldest first), one row per epoch, later leases winning."
    rows = {}
    for path in leases:
        for entry in json.loads(Path(path).read_text())['arms'][arm]['history']: rows[entry['epoch']] = entry
    if not rows: raise ValueError(f"no history for arm {arm!r} in {list(map(str, leases))}")
    return pd.DataFrame([rows[e] for e in sorted(rows)])

def curves(card_path, leases, arm: str = 'gpu') -> pd.DataFrame:
    "Epoch, cumulative faces seen and the validation columns of a model's lineage."
    card = json.loads(Path(card_path).read_text())
    history = lineage_history(leases, arm)
    per = faces_per_epoch(card)
    missing = sorted(set(history.epoch) - set(per))
    if missing: raise ValueError(f"epochs {missing} are in the leases but not in {card_path}'s leases")
    history['faces_seen'] = history.epoch.map(lambda e: sum(per[k] for k in per if k <= e)).astype(int)
    return history[['epoch', 'faces_seen', *[c for c in COLUMNS if c in history]]]

def plot(table: pd.DataFrame, out: Path, title: str, near_match: float, marks=()):
    "Near and far (left) and ASR and LPIPS (right) against the faces seen; `near_match`: 1 − the EN's LFW threshold;\n    `marks`: (faces, label) of recipe changes."
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    for ax in (a, b):
        for faces, label in marks:
            ax.axvline(faces, color='k', lw=0.8, ls=':'); ax.text(faces, 1.02, f' {label}', fontsize=7, va='bottom')
    a.plot(table.faces_seen, table.val_near, 'o-', label='near = 1 − cos(f(E), f(D))')
    a.plot(table.faces_seen, table.val_far, 's-', label='far = cos(f(C), f(D))')
    a.axhline(near_match, color='grey', ls='--', lw=1, label=f'near below which D matches E (SFace, {near_match:.3f})')
    a.set(xlabel='faces seen', ylabel='validation loss term', ylim=(0, 1.05)); a.legend(fontsize=8)
    b.plot(table.faces_seen, table.val_asr, 'o-', color='C2', label='ASR (SFace, validation)')
    b.set(xlabel='faces seen', ylabel='ASR', ylim=(0, 1.05))
    if 'val_lpips' in table:
        c = b.twinx(); c.plot(table.faces_seen, table.val_lpips, 'd-', color='C3', label='LPIPS'); c.set_ylabel('LPIPS (vgg)')
        c.legend(loc='lower right', fontsize=8)
    b.legend(loc='upper left', fontsize=8)
    fig.suptitle(title, fontsize=10); fig.tight_layout(); fig.savefig(out, dpi=120); plt.close(fig)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('card'); p.add_argument('leases', nargs='+'); p.add_argument('--arm', default='gpu')
    p.add_argument('--out', required=True, help='path without suffix: writes OUT.csv and OUT.png')
    p.add_argument('--mark', action='append', default=[], help='FACES:LABEL, a dotted line where the recipe changed')
    a = p.parse_args()
    table = curves(a.card, a.leases, a.arm)
    out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out.with_suffix('.csv'), index=False, float_format='%.4f')
    near_match = 1 - stage_threshold('sface', ROOT/'results'/'recognizers.csv')[0]   # the recognizers stage's LFW threshold
    plot(table, out.with_suffix('.png'), f"{Path(a.card).stem}: validation covers (CelebA, 256 px), EN = SFace, {int(table.faces_seen.iloc[-1]):,} faces",
         near_match, marks=[(int(m.split(':', 1)[0]), m.split(':', 1)[1]) for m in a.mark])
    print(table.to_string(index=False, float_format=lambda v: f'{v:.3f}'))
