"""Render evaluation runs' D for the robustness notebook's covers in parallel worker processes, into the cache its stage reads.

    python benchmarks/warm_renders.py eval/compare_tipim,eval/compare_fawkes --per-fold 3 --workers 2

The robustness notebook (stages `robustness`, `robustness_compare`) renders, one run after another in one process, the
D of every run it compares that `cache/renders/` lacks; with an empty cache the attacks dominate (TIP-IM ~100 s a face
on one core of this CPU). This script renders the same covers (the first image of the first `per_fold` genuine LFW
pairs per fold) with the same code (`featembed_nb.methods.rendered`) in `workers` processes of one thread each, each
process a contiguous share of whole batches of `batch_size` (the batches the notebook makes: the attacks are seeded
per batch), and the stage then finds them cached. It writes nothing but `cache/renders/` and the landmarks cache
(computed once, before the workers start).

Measured on 2 cores (2026-12-06): Fawkes on 8 covers, 57 s in two 1-thread processes against 70 s in one 2-thread
process (1.2x); robustness_compare's 27 covers took 28.5 min, TIP-IM's 16-cover share alone the last 10 (shares are
whole batches of 16, so 27 covers split 16/11). The attacks' D are not bit-stable across batch size and thread count
(oneDNN picks other kernels): Fawkes' D of the same 8 covers differed by up to 67 grey levels at a pixel (mean 1.1)
between batches of 4 at one thread and at two, while batches of 16 at one thread matched batches of 4 at two; each
setting reproduces itself exactly. So a cache warmed here and one the stage fills itself hold equally valid D that can
move an ASR on 30 pairs by a pair or two.
"""
import argparse, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def batch_shares(n: int, batch_size: int, workers: int) -> list[range]:
    "Split range(n) into at most `workers` contiguous shares of whole batches of `batch_size`, as even as batches allow."
    batches = [range(s, min(s + batch_size, n)) for s in range(0, n, batch_size)]
    workers = max(1, min(workers, len(batches)))
    per, extra = divmod(len(batches), workers)
    shares, i = [], 0
    for w in range(workers):
        k = per + (w < extra)
        if k: shares.append(range(batches[i].start, batches[i + k - 1].stop))
        i += k
    return shares


def covers_and_points(per_fold: int, min_face_size: int, landmarks_csv='cache/lfw_landmarks.csv', eval_cache='cache/eval'):
    "The robustness notebook's covers (first images of the genuine pairs) and their landmarks, computing missing landmarks."
    import numpy as np
    from featembed_nb.paths import require_data
    from featembed_nb.images import load_face_image
    from featembed_nb.lfw import read_pairs, subset_pairs
    from featembed_nb.geometry import cached_landmarks
    lfw = require_data('lfw', 'lfw-deepfunneled')
    genuine = subset_pairs(read_pairs(require_data('lfw', 'pairs.txt')), per_fold).query('genuine').reset_index(drop=True)
    everyone = list(dict.fromkeys(genuine.img1.tolist() + genuine.img2.tolist()))
    geo = cached_landmarks(everyone, lambda n: load_face_image(lfw/n, 256), ROOT/landmarks_csv,
                           ROOT/eval_cache/'lfw_landmarks_extra.csv', min_face_size)
    pts = dict(zip(everyone, geo.points))
    covers = list(dict.fromkeys(genuine.img1))
    return covers, np.stack([pts[c] for c in covers])


def _render_share(run: str, covers: list[str], points, results: str, renders: str, batch_size: int) -> tuple[str, int, float]:
    import torch
    torch.set_num_threads(1)
    from featembed_nb.paths import require_data
    from featembed_nb.images import load_face_image
    from featembed_nb.methods import rendered
    lfw = require_data('lfw', 'lfw-deepfunneled')
    t = time.perf_counter()
    rendered(run, covers, lambda n: load_face_image(lfw/n, 256), points, ROOT/results, ROOT/renders, batch_size=batch_size)
    return run, len(covers), time.perf_counter() - t


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('runs', help='comma-separated evaluation run folders under results/, e.g. eval/compare_tipim')
    ap.add_argument('--per-fold', type=int, default=3, help='genuine pairs per fold (robustness_compare: evaluate.protocols.compare.per_fold)')
    ap.add_argument('--min-face-size', type=int, default=60)
    ap.add_argument('--workers', type=int, default=os.cpu_count() or 1)
    ap.add_argument('--batch-size', type=int, default=16, help="the notebook's rendering batch (methods.rendered's default)")
    ap.add_argument('--results', default='results')
    ap.add_argument('--renders', default='cache/renders')
    a = ap.parse_args(argv)
    covers, points = covers_and_points(a.per_fold, a.min_face_size)
    shares = batch_shares(len(covers), a.batch_size, a.workers)
    print(f"{len(covers)} covers in {len(shares)} shares {[len(s) for s in shares]}", flush=True)
    with ProcessPoolExecutor(len(shares), mp_context=get_context('spawn')) as pool:
        jobs = [pool.submit(_render_share, run, [covers[i] for i in s], points[s.start:s.stop], a.results, a.renders, a.batch_size)
                for run in a.runs.split(',') if run for s in shares]
        for j in jobs:
            run, n, s = j.result()
            print(f"{run}: {n} covers in {s:.0f} s", flush=True)


if __name__ == '__main__':
    main()
