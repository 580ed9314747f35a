"""`featembed protect` end to end (through `main([...])` and `protect()`) on photos that ship in packages
(scikit-image's astronaut, matplotlib's grace_hopper.jpg), and every bad input the issue lists."""
import hashlib, json, os, re, resource, signal, stat, struct, subprocess, io
import numpy as np, pandas as pd, pytest
from PIL import Image
from featembed_nb.paths import repo_root
from featembed_nb.protect import main, protect, crop_square, face_mask, paste_change, load_default_model

def sha(p): return hashlib.sha256(open(p, 'rb').read()).hexdigest()

def dlib_threshold():
    csv = repo_root()/'results'/'recognizers.csv'
    if csv.exists(): return float(pd.read_csv(csv).set_index('recognizer').loc['dlib', 'threshold'])
    return load_default_model().card['thresholds']['dlib']        # the same number, recorded beside the model

def outside_mask(shape, boxes):
    "True where no face mask reaches (pixels that must keep their value)."
    m = np.repeat(face_mask()[..., None], 3, -1) * 255
    img = np.zeros((*shape[:2], 3), np.uint8)
    for b in boxes: paste_change(img, m, crop_square(b))
    return img.max(-1) == 0

def one_face_changed(line):
    "The line says one face was found and changed (protected, or weakly protected when the quality floor stopped it)."
    return re.search(r'1 face found, (1 protected, 0 weakly protected|0 protected, 1 weakly protected), 0 skipped', line) is not None

def run(argv, capsys):
    code = main(['protect', '--no-progress', *map(str, argv)])
    out = capsys.readouterr()
    return code, out.out.strip().splitlines(), out.err.strip()

@pytest.fixture(scope='module')
def astro():
    from skimage import data
    return data.astronaut()

@pytest.fixture(scope='module')
def grace():
    import matplotlib.cbook as cbook
    return cbook.get_sample_data('grace_hopper.jpg')        # a path to the JPEG in matplotlib's package

def test_end_to_end_png(tmp_path, astro, capsys):
    src = tmp_path/'astro.png'; Image.fromarray(astro).save(src); before = sha(src)
    code, lines, err = run([src, '--check', 'dlib', '--report', tmp_path/'r.json', '--identity-seed', '0'], capsys)
    out = tmp_path/'astro_protected.png'
    assert code == 0 and out.exists() and sha(src) == before, (lines, err)
    assert len(lines) == 1 and one_face_changed(lines[0]) and 'dlib cosine' in lines[0], lines
    rep = json.loads((tmp_path/'r.json').read_text())
    face = rep['photos'][0]['faces'][0]
    prot = np.asarray(Image.open(out))
    keep = outside_mask(astro.shape, [face['box']])
    assert (prot[keep] == astro[keep]).all()                              # byte-identical outside the face mask
    assert np.abs(prot[~keep].astype(int) - astro[~keep]).mean() > 1     # the face changed
    assert face['cosine_check'] < dlib_threshold() and face['check_matched'] is False
    assert rep['summary'] == {'protected': 1, 'skipped': 0, 'failed': 0} and rep['model']['profile'] == 'offline'

def test_end_to_end_jpeg_function(tmp_path, grace):
    src = tmp_path/'grace hopper.jpg'
    with Image.open(grace) as im:
        ex = im.getexif(); ex[0x010F] = 'TestCam'; ex[0x8825] = {1: 'N', 2: (35.0, 41.0, 0.0)}   # GPS position
        im.save(src, quality=95, exif=ex)
    before, orig = sha(src), np.asarray(Image.open(src).convert('RGB'))
    reps = protect([src], check='dlib', progress=False, echo=False)
    out = tmp_path/'grace hopper_protected.jpg'
    assert [r.status for r in reps] == ['protected'] and out.exists() and sha(src) == before
    prot = np.asarray(Image.open(out))
    keep = outside_mask(orig.shape, [f.box for f in reps[0].faces])
    diff = np.abs(prot.astype(int) - orig)
    assert diff[keep].mean() < 1.5 and diff[~keep].mean() > 3            # outside: JPEG re-encoding only
    f = reps[0].faces[0]              # a fresh E per photo: the shipped model leaves this face near dlib's threshold (0.9072 vs 0.9067 in one CI run)
    assert f.cosine_check < 0.95 and f.check_matched == (f.cosine_check >= dlib_threshold())   # the check read the file back
    assert not Image.open(out).getexif()                                  # EXIF and GPS dropped by default
    protect([src], overwrite=True, keep_metadata=True, progress=False, echo=False)
    kept = Image.open(out).getexif()
    assert kept.get(0x010F) == 'TestCam' and 0x8825 in kept              # --keep-metadata keeps them

def test_exif_orientation_and_overwrite(tmp_path, astro, capsys):
    src = tmp_path/'rot.jpg'; ex = Image.Exif(); ex[0x0112] = 8        # stored rotated: view = 90° counter-clockwise
    Image.fromarray(np.ascontiguousarray(np.rot90(astro, -1))).save(src, exif=ex)
    code, lines, _ = run([src, '--identity-seed', '3'], capsys)
    out = tmp_path/'rot_protected.jpg'
    assert code == 0 and one_face_changed(lines[0]), lines
    view = np.asarray(Image.open(out)).astype(int); assert view.shape == astro.shape   # upright, as a viewer shows it
    assert np.abs(view - astro)[350:].mean() < 4 < np.abs(view - np.rot90(astro, 2))[350:].mean()
    first = sha(out)
    code, lines, _ = run([src], capsys)
    assert code == 0 and 'exists' in lines[0] and sha(out) == first      # never overwritten by default
    code, lines, _ = run([src, '--overwrite', '--identity-seed', '4'], capsys)
    assert code == 0 and one_face_changed(lines[0]) and sha(out) != first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith('.')] == []   # no temporary files left

def test_bad_files(tmp_path, astro, capsys):
    Image.fromarray(astro).save(tmp_path/'good.jpg', quality=90)
    data = (tmp_path/'good.jpg').read_bytes()
    (tmp_path/'truncated.jpg').write_bytes(data[:len(data) // 3])
    (tmp_path/'corrupt.png').write_bytes(b'\x89PNG\r\n\x1a\n' + os.urandom(500))
    (tmp_path/'zero.webp').write_bytes(b'')
    frames = [Image.fromarray(astro).convert('P'), Image.fromarray(astro[:, ::-1]).convert('P')]
    frames[0].save(tmp_path/'anim.gif', save_all=True, append_images=frames[1:])
    frames[0].convert('RGB').save(tmp_path/'anim.webp', save_all=True, append_images=[f.convert('RGB') for f in frames[1:]])
    snap = {p.name: sha(p) for p in tmp_path.iterdir()}
    code, lines, err = run([tmp_path/'truncated.jpg', tmp_path/'corrupt.png', tmp_path/'zero.webp', tmp_path/'anim.gif',
                            tmp_path/'anim.webp', tmp_path/'missing.jpg'], capsys)
    assert code == 1 and len(lines) == 6 and all('FAILED' in l for l in lines), lines
    expected = {'truncated.jpg': 'truncated', 'corrupt.png': 'FAILED', 'zero.webp': 'empty file',
                'anim.gif': 'unsupported file type', 'anim.webp': 'animated', 'missing.jpg': 'no such file'}
    for name, words in expected.items():
        line = next(l for l in lines if l.split(':')[0].endswith(name))
        assert words in line and line.count(name) == 1, (line, words)
    assert {p.name: sha(p) for p in tmp_path.iterdir()} == snap          # nothing written, nothing lost

def test_no_face_and_small_faces(tmp_path, astro, capsys):
    from skimage import data
    Image.fromarray(data.coffee()).save(tmp_path/'coffee.png')
    Image.fromarray(astro).resize((160, 160)).save(tmp_path/'tiny.png')   # face ~27 px wide
    code, lines, _ = run([tmp_path/'coffee.png', tmp_path/'tiny.png', '--min-face', '40'], capsys)
    assert code == 0 and 'no face found' in lines[0] and '0 protected' in lines[0]
    assert '1 face found, 0 protected, 0 weakly protected, 1 skipped' in lines[1] and '< --min-face 40' in lines[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ['coffee.png', 'tiny.png']

@pytest.mark.parametrize('mode,ext', [('L', 'png'), ('RGBA', 'png'), ('CMYK', 'jpg'), ('LA', 'webp')])
def test_modes(tmp_path, astro, mode, ext, capsys):
    img = Image.fromarray(astro)
    if 'A' in mode:
        alpha = Image.fromarray(np.tile(np.linspace(60, 255, 512).astype(np.uint8), (512, 1)))
        img = img.convert('RGBA'); img.putalpha(alpha)
    img = img.convert(mode); src = tmp_path/f'a.{ext}'; img.save(src)
    code, lines, _ = run([src, '--identity-seed', '0'], capsys)
    assert code == 0 and one_face_changed(lines[0]), lines
    out = Image.open(tmp_path/f'a_protected.{ext}'); orig = Image.open(src)
    assert out.size == orig.size
    if ext == 'png':
        assert out.mode == mode
        a, b = np.asarray(out), np.asarray(orig)
        if mode == 'RGBA': assert (a[..., 3] == b[..., 3]).all()         # alpha kept exactly
        changed = (a != b).reshape(512, 512, -1).any(-1)
        assert 0 < changed.mean() < 0.2                                   # only the face changed
    elif ext == 'jpg': assert out.mode == 'CMYK'
    else: assert out.mode == 'RGBA' and np.abs(np.asarray(out)[..., 3].astype(int) - np.asarray(orig.convert('RGBA'))[..., 3]).max() <= 2

def test_folders(tmp_path, astro, capsys):
    (tmp_path/'in'/'sub').mkdir(parents=True); (tmp_path/'empty').mkdir()
    Image.fromarray(astro).save(tmp_path/'in'/'sub'/'a.jpg'); (tmp_path/'in'/'notes.txt').write_text('x')
    code, lines, _ = run([tmp_path/'in'], capsys)
    assert code == 0 and 'no JPEG, PNG or WebP photos' in lines[0] and '--recursive' in lines[0]
    code, lines, _ = run([tmp_path/'in', tmp_path/'empty', '-r', '-o', tmp_path/'out', '--identity-seed', '0'], capsys)
    assert code == 0 and (tmp_path/'out'/'sub'/'a_protected.jpg').exists()
    assert not (tmp_path/'in'/'sub'/'a_protected.jpg').exists() and any('no JPEG' in l for l in lines)

def test_output_folder_not_writable(tmp_path, astro, capsys):
    src = tmp_path/'a.jpg'; Image.fromarray(astro).save(src); (tmp_path/'file').write_text('x')
    code, lines, err = run([src, '-o', tmp_path/'file'/'sub'], capsys)
    assert code == 2 and 'not writable' in err and len(err.splitlines()) == 1 and not lines
    if os.geteuid() != 0:                                                 # root writes into read-only folders
        ro = tmp_path/'ro'; ro.mkdir(); ro.chmod(0o555)
        code, lines, err = run([src, '-o', ro], capsys)
        assert code == 2 and 'not writable' in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ['a.jpg', 'file'] + (['ro'] if os.geteuid() != 0 else [])

def test_huge_photo(tmp_path, astro, capsys):
    """12000×9000: detected on a 1600 px copy, pasted at full resolution; memory stays bounded."""
    big = np.full((9000, 12000, 3), 120, np.uint8)
    face = np.asarray(Image.fromarray(astro).resize((2048, 2048), Image.BILINEAR))
    big[3000:5048, 5000:7048] = face
    src = tmp_path/'huge.jpg'; Image.fromarray(big).save(src, quality=90); del big, face
    before = sha(src)
    code, lines, _ = run([src, '--identity-seed', '0'], capsys)
    assert code == 0 and one_face_changed(lines[0]), lines
    out = Image.open(tmp_path/'huge_protected.jpg'); assert out.size == (12000, 9000) and sha(src) == before
    corner = np.asarray(out.crop((0, 0, 2000, 2000))); assert np.abs(corner.astype(int) - 120).max() <= 2
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    assert peak_gb < 3.5, f'peak memory {peak_gb:.1f} GB'                # photo itself is 0.32 GB as RGB


# ---- issue 14: every defect below failed before the fix ----

@pytest.fixture(scope='module')
def small_astro(astro):
    return np.asarray(Image.fromarray(astro).resize((256, 256), Image.BICUBIC))   # one ~115 px face, quick to protect

def exif_with_thumbnail(thumb: bytes, make: bytes = b'TestCam\x00') -> bytes:
    "EXIF (little-endian TIFF) with IFD0 = Make and IFD1 = a JPEG thumbnail, as cameras write it."
    ifd0 = struct.pack('<H', 1) + struct.pack('<HHII', 0x010F, 2, len(make), 26) + struct.pack('<I', 26 + len(make))
    off = 26 + len(make) + 30
    ifd1 = struct.pack('<H', 2) + struct.pack('<HHII', 0x0201, 4, 1, off) + struct.pack('<HHII', 0x0202, 4, 1, len(thumb)) + struct.pack('<I', 0)
    return b'Exif\x00\x00II*\x00' + struct.pack('<I', 8) + ifd0 + make + ifd1 + thumb

def test_report_never_replaces_a_file(tmp_path, small_astro, capsys):        # defect 1
    for n in ('rep1.jpg', 'rep2.jpg'): Image.fromarray(small_astro).save(tmp_path/n)
    before = sha(tmp_path/'rep1.jpg')
    code, lines, err = run(['--report', tmp_path/'rep1.jpg', tmp_path/'rep2.jpg'], capsys)
    assert code == 2 and 'rep1.jpg' in err and len(err.splitlines()) == 1 and sha(tmp_path/'rep1.jpg') == before
    assert not (tmp_path/'rep2_protected.jpg').exists()                     # refused before any work
    code, _, err = run(['--report', tmp_path/'rep1.jpg', tmp_path/'rep2.jpg', '--overwrite'], capsys)
    assert code == 2 and sha(tmp_path/'rep1.jpg') == before                  # a photo is never replaced by a report
    (tmp_path/'folder').mkdir()
    code, _, err = run(['--report', tmp_path/'folder', tmp_path/'rep2.jpg'], capsys)
    assert code == 2 and 'folder' in err and 'Traceback' not in err and not (tmp_path/'rep2_protected.jpg').exists()
    (tmp_path/'r.json').write_text('keep me')
    code, _, err = run(['--report', tmp_path/'r.json', tmp_path/'rep2.jpg'], capsys)
    assert code == 2 and '--overwrite' in err and (tmp_path/'r.json').read_text() == 'keep me'
    code, _, _ = run(['--report', tmp_path/'r.json', tmp_path/'rep2.jpg', '--overwrite', '--identity-seed', '0'], capsys)
    assert code == 0 and json.loads((tmp_path/'r.json').read_text())['faces']['found'] == 1

def test_keep_metadata_drops_thumbnails(tmp_path, small_astro):             # defect 2
    tb = io.BytesIO(); Image.fromarray(small_astro).resize((160, 160)).save(tb, 'JPEG'); thumb = tb.getvalue()
    src = tmp_path/'t.jpg'; Image.fromarray(small_astro).save(src, exif=exif_with_thumbnail(thumb))
    assert thumb in src.read_bytes()
    reps = protect([src], keep_metadata=True, progress=False, echo=False, identity_seed=0)
    out = tmp_path/'t_protected.jpg'
    assert reps[0].status == 'protected' and Image.open(out).getexif().get(0x010F) == 'TestCam'   # EXIF kept ...
    assert thumb[2:200] not in out.read_bytes() and out.read_bytes().count(b'\xff\xd8') == 1       # ... no picture in it
    from PIL import ExifTags
    assert not dict(Image.open(out).getexif().get_ifd(ExifTags.IFD.IFD1))

def test_mpo_primary_picture_protected(tmp_path, small_astro):              # defects 9 and 2 (MPO's second picture)
    src = tmp_path/'cam.jpg'
    Image.fromarray(small_astro).save(src, 'MPO', save_all=True, append_images=[Image.fromarray(small_astro[:, ::-1])])
    assert Image.open(src).format == 'MPO' and Image.open(src).n_frames == 2
    reps = protect([src], keep_metadata=True, progress=False, echo=False, identity_seed=0)
    out = Image.open(tmp_path/'cam_protected.jpg')
    assert reps[0].status == 'protected' and out.format == 'JPEG' and getattr(out, 'n_frames', 1) == 1
    assert b'MPF\x00' not in (tmp_path/'cam_protected.jpg').read_bytes()
    assert np.abs(np.asarray(out).astype(int) - small_astro).mean() < 10      # the primary picture, not the mirrored one

def test_name_collisions(tmp_path, small_astro, capsys):                    # defect 3
    for d in ('d1', 'd2'): (tmp_path/d).mkdir(); Image.fromarray(small_astro if d == 'd1' else small_astro[:, ::-1]).save(tmp_path/d/'a.jpg')
    code, lines, _ = run([tmp_path/'d1'/'a.jpg', tmp_path/'d2'/'a.jpg', '-o', tmp_path/'out', '--identity-seed', '0'], capsys)
    assert code == 1 and len(lines) == 2
    fail = next(l for l in lines if 'FAILED' in l); assert str(tmp_path/'d2'/'a.jpg') in fail and 'a_protected.jpg' in fail
    first = sha(tmp_path/'out'/'a_protected.jpg')
    code, lines, _ = run([tmp_path/'d1'/'a.jpg', tmp_path/'d2'/'a.jpg', '-o', tmp_path/'out', '--overwrite', '--identity-seed', '0'], capsys)
    assert code == 1 and sum('FAILED' in l for l in lines) == 1
    prot = np.asarray(Image.open(tmp_path/'out'/'a_protected.jpg')).astype(int)
    assert np.abs(prot - small_astro).mean() < np.abs(prot - small_astro[:, ::-1]).mean()   # still d1's photo
    # an output that is another input is never replaced
    (tmp_path/'d1'/'a_protected.jpg').write_bytes((tmp_path/'d1'/'a.jpg').read_bytes()); keep = sha(tmp_path/'d1'/'a_protected.jpg')
    code, lines, _ = run([tmp_path/'d1'/'a.jpg', tmp_path/'d1'/'a_protected.jpg', '--overwrite'], capsys)
    assert code == 1 and sha(tmp_path/'d1'/'a_protected.jpg') == keep and any('one of the inputs' in l for l in lines)

def test_output_keeps_input_mode(tmp_path, small_astro):                    # defect 4
    src = tmp_path/'p.png'; Image.fromarray(small_astro).save(src); os.chmod(src, 0o600)
    protect([src], progress=False, echo=False, identity_seed=0)
    assert stat.S_IMODE((tmp_path/'p_protected.png').stat().st_mode) == 0o600
    os.chmod(src, 0o666); old = os.umask(0o027)
    try: protect([src], progress=False, echo=False, identity_seed=0, overwrite=True)
    finally: os.umask(old)
    assert stat.S_IMODE((tmp_path/'p_protected.png').stat().st_mode) == 0o640

def test_check_unavailable_before_work(tmp_path, small_astro, capsys, monkeypatch):   # defect 5
    import featembed_nb.recognizers as recs
    class Missing:
        available = False
    real = recs.get_recognizer
    monkeypatch.setattr(recs, 'get_recognizer', lambda name, device='cpu': Missing() if name == 'arcface_r50' else real(name, device))
    src = tmp_path/'a.jpg'; Image.fromarray(small_astro).save(src)
    code, lines, err = run([src, '--check', 'arcface_r50'], capsys)
    assert code == 2 and 'arcface_r50' in err and 'weights' in err and not lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ['a.jpg']          # nothing written

def test_errors_name_the_step(tmp_path, small_astro, monkeypatch):
    import featembed_nb.protect as P
    src = tmp_path/'a.jpg'; Image.fromarray(small_astro).save(src)
    def boom(*a, **k): raise OSError(28, 'No space left on device')
    monkeypatch.setattr(P, '_move_into_place', boom)
    rep = protect([src], progress=False, echo=False)[0]
    assert rep.status == 'failed' and rep.message.startswith('writing') and 'No space left' in rep.message
    assert [p.name for p in tmp_path.iterdir()] == ['a.jpg']               # temporary file removed

def test_sigterm_and_ctrl_c(tmp_path, small_astro, capsys, monkeypatch):    # defects 6 and 10 (Ctrl-C)
    import featembed_nb.protect as P
    src = tmp_path/'a.jpg'; Image.fromarray(small_astro).save(src)
    real = P._savable
    def term_while_saving(im, fmt): os.kill(os.getpid(), signal.SIGTERM); return real(im, fmt)
    monkeypatch.setattr(P, '_savable', term_while_saving)
    code, lines, err = run([src], capsys)
    assert code == 143 and len(err.splitlines()) == 1 and 'SIGTERM' in err and 'Traceback' not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ['a.jpg']        # no output, no temporary file
    assert signal.getsignal(signal.SIGTERM) is not None
    def ctrl_c(*a, **k): raise KeyboardInterrupt
    monkeypatch.setattr(P, 'protect_photo', ctrl_c)
    code, _, err = run([src, '--report', tmp_path/'r.json'], capsys)
    assert code == 130 and len(err.splitlines()) == 1 and 'Ctrl-C' in err
    assert json.loads((tmp_path/'r.json').read_text())['interrupted'] is True

def test_stale_temps_removed_on_next_run(tmp_path, small_astro):           # defect 6
    src = tmp_path/'a.png'; Image.fromarray(small_astro).save(src)
    dead = subprocess.Popen(['true']); dead.wait()
    stale = tmp_path/f'.a_protected.png.featembed-{dead.pid}-k9x.tmp'; stale.write_bytes(b'half a photo')
    old = tmp_path/'.a_protected.png.x1y2z3w4.tmp'; old.write_bytes(b'x'); os.utime(old, (1e9, 1e9))   # an earlier version's
    protect([src], progress=False, echo=False)
    assert not stale.exists() and not old.exists() and (tmp_path/'a_protected.png').exists()

def test_tiny_photos_have_no_face(tmp_path, capsys):                       # defect 7
    for name, size in [('dot.png', (1, 1)), ('thin.png', (400, 19)), ('tall.jpg', (12, 300)), ('pano.png', (20000, 30))]:
        Image.new('RGB', size, (128, 100, 90)).save(tmp_path/name)
    code, lines, err = run(sorted(tmp_path.iterdir()), capsys)
    assert code == 0 and len(lines) == 4 and all('no face found' in l for l in lines), (lines, err)

@pytest.mark.parametrize('option', [['--device', 'foo'], ['--identity-seed', '-1'], ['--min-face', '-5'], ['--max-strength', '-1'],
                                    ['--max-strength', 'x'], ['--strength', '0'], ['--quality', '0'], ['--threads', '0'],
                                    ['--min-face', '1.5']])
def test_options_checked_at_parse_time(tmp_path, option, capsys):          # defect 8
    code, lines, err = run([tmp_path/'none.jpg', *option], capsys)
    assert code == 2 and option[0] in err and 'Traceback' not in err and not lines

def test_folder_mode(tmp_path, small_astro, capsys):                        # defect 10
    d = tmp_path/'in'; (d/'.thumbs').mkdir(parents=True)
    Image.fromarray(small_astro).save(d/'real_protected.jpg')               # a real photo with this name
    Image.fromarray(small_astro).save(d/'.thumbs'/'t.jpg')
    Image.fromarray(small_astro).save(d/'b.gif'); Image.fromarray(small_astro).save(d/'c.bmp')
    (d/'d.heic').write_bytes(b'\x00\x00\x00\x18ftypheic'); (d/'notes.txt').write_text('x')
    code, lines, _ = run([d, '-r', '--identity-seed', '0'], capsys)
    assert code == 0 and len(lines) == 4, lines
    for name in ('b.gif', 'c.bmp', 'd.heic'): assert sum(name in l and 'unsupported' in l for l in lines) == 1, name
    assert (d/'real_protected_protected.jpg').exists() and not (d/'.thumbs'/'t_protected.jpg').exists()
    code, lines, _ = run([d, '-r'], capsys)                                    # the earlier output is not protected again
    assert code == 0 and not any('real_protected_protected.jpg:' in l for l in lines)

def test_weakly_protected_and_possible_faces(tmp_path, small_astro, capsys, monkeypatch):
    import featembed_nb.protect as P
    src = tmp_path/'a.png'; Image.fromarray(small_astro).save(src)
    monkeypatch.setattr(P, 'LPIPS_CEILING', 0.0); monkeypatch.setattr(P, 'PSNR_FLOOR', 99.0)   # no strength passes
    real = P.deidentify_faces                                                 # and a target no strength meets
    monkeypatch.setattr(P, 'deidentify_faces', lambda *a, **k: real(*a, **{**k, 'en_margin': 1.0}))
    rep = protect([src], progress=False, echo=False, identity_seed=0, report=tmp_path/'r.json')[0]
    f = rep.faces[0]
    assert f.status == 'weakly protected' and f.strength == 1.0 and 'quality floor' in f.reason and not f.en_target_met
    assert '0 protected, 1 weakly protected' in rep.line() and (tmp_path/'a_protected.png').exists()
    assert json.loads((tmp_path/'r.json').read_text())['faces']['weakly protected'] == 1
    rep = protect([src], progress=False, echo=False, min_prob=1.01, overwrite=True)[0]   # every detection below the cut
    assert rep.status == 'skipped' and 'possible face, not protected' in rep.line() and 'no face found' in rep.line()
