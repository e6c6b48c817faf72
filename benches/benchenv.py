"""Where the benches find what they read: the corpus (fetched by
benches/corpus.sh into target/corpus/, or the folder SCENEPAL_CORPUS names),
the reference scripts (benches/reference/), and their Python packages (a
venv in target/bench-venv made from benches/requirements.txt, pinned).

    import benchenv
    benchenv.use_venv()                # before importing numpy, Pillow, scikit-learn
    photo = benchenv.corpus("coffee.png")
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.path.join(ROOT, "benches", "reference")
VENV = os.path.join(ROOT, "target", "bench-venv")
REQUIREMENTS = os.path.join(ROOT, "benches", "requirements.txt")


def corpus_dir():
    """The corpus folder, fetched and checked first if a file is missing."""
    folder = os.environ.get("SCENEPAL_CORPUS") or os.path.join(ROOT, "target", "corpus")
    with open(os.path.join(ROOT, "benches", "corpus.sha256")) as sums:
        names = [line.split()[1] for line in sums if line.strip()]
    if not all(os.path.isfile(os.path.join(folder, n)) for n in names):
        subprocess.run([os.path.join(ROOT, "benches", "corpus.sh")], check=True,
                       env={**os.environ, "SCENEPAL_CORPUS": folder})
    return folder


def corpus(*parts):
    """A file of the corpus (`corpus("video", "bigbuckbunny.mp4")`)."""
    return os.path.join(corpus_dir(), *parts)


def photos():
    """Every photograph of the corpus, sorted by name."""
    folder = corpus_dir()
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith((".jpg", ".png")))


def reference(name):
    """A reference script or table of benches/reference/."""
    return os.path.join(REFERENCE, name)


def use_venv(venv=VENV, requirements=REQUIREMENTS,
             what="target/bench-venv (pinned numpy, Pillow, scikit-learn)",
             pip_options=(), after=None):
    """Runs this script again inside `venv` (made, or remade when
    `requirements` changed, with `pip_options`; then `after(python)` adds
    what the pins do not), unless it already runs there."""
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    stamp = os.path.join(venv, "requirements.txt")
    with open(requirements) as f:
        wanted = f.read()
    if not os.path.isfile(stamp) or open(stamp).read() != wanted:
        print(f"benches: making {what}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        *pip_options, "-r", requirements], check=True)
        if after:
            after(python)
        with open(stamp, "w") as f:
            f.write(wanted)
    os.execv(python, [python, *sys.argv])
