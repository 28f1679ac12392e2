# SPDX-License-Identifier: MIT
"""The man page and the shell completions against the option table.

src/cli/options.c (long names and letters) and the -s/-P letter tables of
src/cli/opt_scan.c are the truth: every option there must have a paragraph
in docs/cmap.1 that says "Not built yet." exactly when the option is
refused, and must be offered by both completion scripts. The man page must
render without warnings, the scripts must load and complete, and
`meson install` must put everything where the shells and man look.

Run with Debian's Python:  /usr/bin/python3 -m pytest -p no:cacheprovider tests/docs
"""

import os
import re
import shutil
import subprocess
import textwrap

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAN_PAGE = os.path.join(REPO, "docs", "cmap.1")
BASH_COMPLETION = os.path.join(REPO, "completions", "cmap.bash")
ZSH_COMPLETION = os.path.join(REPO, "completions", "_cmap")
NOT_BUILT = "Not built yet"
TIMING_VALUES = ["0", "1", "2", "3", "4", "5",
                 "paranoid", "sneaky", "polite", "normal", "aggressive", "insane"]
# An option token: one or two dashes, not inside a longer word.
OPTION_TOKEN = re.compile(r"(?<![\w-])(--?[A-Za-z0-9][\w-]*)")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def need(tool):
    if shutil.which(tool) is None:
        pytest.fail(f"'{tool}' is not installed (run scripts/install-deps.sh as root)",
                    pytrace=False)


def run(argv, timeout=60, **kwargs):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired:
        pytest.fail(f"timed out after {timeout}s: {' '.join(argv)}", pytrace=False)


# --- The option table -------------------------------------------------------

def table_rows(source, array):
    """The {...} rows of a C array of designated initializers."""
    start = source.index(f"{array}[] = {{")
    end = source.index("\n};", start)
    return re.findall(r"\{(\.(?:name|letter)\s*=.*?)\}", source[start:end], re.S)


def row_field(row, name):
    match = re.search(rf"\.{name}\s*=\s*(\"[^\"]*\"|'[^']'|\w+)", row)
    return match.group(1).strip("\"'") if match else None


def cli_options():
    """{spelling: supported} for every spelling cmap's parser accepts."""
    options = {}
    cli = read(os.path.join(REPO, "src", "cli", "options.c"))
    for row in table_rows(cli, "cli_options"):
        supported = row_field(row, "supported") == "true"
        name, letter = row_field(row, "name"), row_field(row, "letter")
        if name:
            # Spelled as nmap's manual does: -oX, -iL, -oJL but --ttl.
            short = len(name) == 2 or re.fullmatch(r"o[A-Z]+", name)
            options[("-" if short else "--") + name] = supported
        elif letter not in ("s", "P"):  # these two are their letter tables below
            options["-" + letter] = supported
    scan = read(os.path.join(REPO, "src", "cli", "opt_scan.c"))
    for array, prefix in (("scan_letters", "-s"), ("ping_letters", "-P")):
        for row in table_rows(scan, array):
            options[prefix + row_field(row, "letter")] = row_field(row, "supported") == "true"
    return options


def spellings_of(option):
    """nmap's getopt_long_only takes -name and --name for a long option."""
    return {option, "-" + option.lstrip("-"), "--" + option.lstrip("-")}


def mentions(text, option):
    """True if text contains option as a whole token (--data is not --data-string)."""
    return any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w]|-\w)", text)
               for s in spellings_of(option))


def test_option_table_is_parsed():
    options = cli_options()
    # Spot checks that the parsing above reads the table as the C compiler does.
    assert options["-sT"] is True and options["-sC"] is True and options["-A"] is False
    assert options["-Pn"] is True and options["-PE"] is True
    assert options["-oX"] is True and options["--versiondb"] is False
    assert options["-p"] is True and options["-O"] is False
    assert len(options) > 150


# --- The man page -----------------------------------------------------------

def roff_text(line):
    """A roff line as plain text: macro names, fonts and escapes removed."""
    line = re.sub(r"^\.(?:B|I|BR|RB|BI|IB|IR|RI)\s+", "", line)
    line = re.sub(r"\\f[BIRP]", "", line)
    return line.replace("\\-", "-").replace('"', "")


def man_entries():
    """[(tag tokens, body text)] for every .TP paragraph of the man page."""
    entries = []
    lines = read(MAN_PAGE).splitlines()
    for i, line in enumerate(lines):
        if line != ".TP" or i + 1 >= len(lines):
            continue
        body = []
        for nxt in lines[i + 2:]:
            if re.match(r"\.(TP|SH|SS)\b", nxt):
                break
            body.append(roff_text(nxt))
        tokens = set(OPTION_TOKEN.findall(roff_text(lines[i + 1])))
        entries.append((tokens, " ".join(body)))
    return entries


def entries_for(option, entries):
    return [body for tokens, body in entries if spellings_of(option) & tokens]


def test_man_page_renders_without_warnings():
    need("man")
    need("groff")
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
    result = run(["man", "--warnings", "-l", MAN_PAGE], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    page = result.stdout
    for heading in ("NAME", "SYNOPSIS", "DESCRIPTION", "OUTPUT", "EXIT STATUS", "EXAMPLES"):
        assert re.search(rf"^{heading}$", page, re.M), f"no {heading} section"
    assert max(len(line) for line in page.splitlines()) <= 80


def test_every_option_has_a_paragraph():
    entries = man_entries()
    missing = [opt for opt in cli_options() if not entries_for(opt, entries)]
    assert missing == [], f"options without a .TP paragraph in docs/cmap.1: {missing}"


def test_man_page_says_not_built_exactly_for_refused_options():
    entries = man_entries()
    wrong = []
    for option, supported in cli_options().items():
        for body in entries_for(option, entries):
            if (NOT_BUILT in body) == supported:
                wrong.append(f"{option} ({'built' if supported else 'refused'})")
    assert wrong == [], ("docs/cmap.1 must say 'Not built yet.' in the paragraph of each "
                         f"refused option and only there; wrong for: {wrong}")


def test_man_page_documents_only_real_options():
    known = set()
    for option in cli_options():
        known |= spellings_of(option)
    documented = set().union(*(tokens for tokens, _ in man_entries()))
    assert documented - known == set()


# --- Completions ------------------------------------------------------------

@pytest.mark.parametrize("path", [BASH_COMPLETION, ZSH_COMPLETION], ids=["bash", "zsh"])
def test_completion_lists_every_option(path):
    text = read(path)
    missing = [opt for opt in cli_options() if not mentions(text, opt)]
    assert missing == [], f"{os.path.basename(path)} does not offer {missing}"


def bash_complete(words, cwd):
    """What cmap's bash completion offers for the last word of `words`."""
    script = textwrap.dedent("""\
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _cmap
        printf '%s\\n' "${COMPREPLY[@]}"
        """)
    result = run(["bash", "-c", script, "bash", BASH_COMPLETION, "cmap"] + words, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.fixture
def files_and_dirs(tmp_path):
    (tmp_path / "datadir").mkdir()
    (tmp_path / "datafile.txt").write_text("x\n")
    return tmp_path


def test_bash_completion_loads():
    need("bash")
    result = run(["bash", "-c", f"source {BASH_COMPLETION} && complete -p cmap"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "complete -F _cmap cmap"


def test_bash_offers_only_real_options(tmp_path):
    offered = bash_complete(["-"], tmp_path)
    known = set()
    for option in cli_options():
        known |= spellings_of(option)
    assert offered and set(offered) <= known, set(offered) - known
    assert bash_complete(["--max-r"], tmp_path) == ["--max-rtt-timeout", "--max-retries",
                                                    "--max-rate"]


@pytest.mark.parametrize("words, expected", [
    (["-T", ""], TIMING_VALUES),
    (["--timing", "p"], ["paranoid", "polite"]),
    (["-T"], ["-T" + v for v in TIMING_VALUES]),
    (["--nsock-engine", ""], ["epoll", "poll", "select"]),
])
def test_bash_completes_values(words, expected, tmp_path):
    assert bash_complete(words, tmp_path) == expected


@pytest.mark.parametrize("option", ["-iL", "-oN", "-oX", "-oG", "-oA", "--excludefile"])
def test_bash_completes_files(option, files_and_dirs):
    assert sorted(bash_complete([option, "data"], files_and_dirs)) == ["datadir",
                                                                       "datafile.txt"]


def test_bash_completes_directories_for_datadir(files_and_dirs):
    assert bash_complete(["--datadir", "data"], files_and_dirs) == ["datadir"]
    assert bash_complete(["--datadir", "=", "data"], files_and_dirs) == ["datadir"]


# zsh has no batch interface to completion: drive an interactive zsh on a
# pseudo-terminal (zsh/zpty), wrap compadd to print what it is given, and
# stop after the first completion through comppostfuncs. The markers are
# split in the commands so the echo of a command never looks like output.
ZSH_CAPTURE = r"""
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z 'PROMPT= ; RPROMPT='
zpty -w z "fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a hits; builtin compadd -A hits "$@"
  local h; for h in $hits; do print -r -- "<h""it>$h</h""it>"; done
  builtin compadd "$@"
}'
zpty -w z 'finish() { print -r -- "<do""ne>"; exit }; comppostfuncs=(finish)'
zpty -n -w z "$2"$'\t'
local line
while zpty -r z line; do
  [[ $line == *'<done>'* ]] && break
  [[ $line == *'<hit>'* ]] && print -r -- ${${line#*<hit>}%%</hit>*}
done
zpty -d z
"""


def zsh_complete(command_line, cwd, tmp_path):
    need("zsh")
    capture = tmp_path / "capture.zsh"
    capture.write_text(ZSH_CAPTURE)
    env = dict(os.environ, HOME=str(tmp_path))
    result = run(["zsh", "-f", str(capture), os.path.dirname(ZSH_COMPLETION), command_line],
                 timeout=30, cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


def test_zsh_completion_loads(tmp_path):
    need("zsh")
    script = ("fpath=($1 $fpath); autoload -U compinit; compinit -u -D; "
              "whence -w _cmap; print -r -- $_comps[cmap]")
    env = dict(os.environ, HOME=str(tmp_path))
    result = run(["zsh", "-f", "-c", script, "zsh", os.path.dirname(ZSH_COMPLETION)], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["_cmap: function", "_cmap"]


@pytest.mark.parametrize("command_line, expected", [
    ("cmap -T ", TIMING_VALUES),
    ("cmap --max-r", ["--max-rtt-timeout", "--max-retries", "--max-rate"]),
    ("cmap -oJ", ["-oJ", "-oJL"]),
    ("cmap --nsock-engine ", ["epoll", "poll", "select"]),
])
def test_zsh_completes_options_and_values(command_line, expected, tmp_path):
    assert zsh_complete(command_line, tmp_path, tmp_path) == expected


@pytest.mark.parametrize("option", ["-iL", "-oN", "-oX", "-oG", "-oA", "--excludefile"])
def test_zsh_completes_files(option, files_and_dirs, tmp_path_factory):
    got = zsh_complete(f"cmap {option} data", files_and_dirs, tmp_path_factory.mktemp("home"))
    assert sorted(got) == ["datadir", "datafile.txt"]


def test_zsh_completes_directories_for_datadir(files_and_dirs, tmp_path_factory):
    got = zsh_complete("cmap --datadir data", files_and_dirs, tmp_path_factory.mktemp("home"))
    assert set(got) == {"datadir"}


# --- Installation -----------------------------------------------------------

def test_meson_install_puts_everything_in_place(tmp_path):
    need("meson")
    build, root = tmp_path / "build", tmp_path / "root"
    setup = run(["meson", "setup", str(build), "--prefix=/usr", "-Dtests=false"], cwd=REPO,
                timeout=120)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    install = run(["meson", "install", "-C", str(build), "--destdir", str(root)], timeout=600)
    assert install.returncode == 0, install.stdout + install.stderr
    installed = {
        "usr/bin/cmap": None,
        "usr/share/man/man1/cmap.1": MAN_PAGE,
        "usr/share/bash-completion/completions/cmap": BASH_COMPLETION,
        "usr/share/zsh/vendor-completions/_cmap": ZSH_COMPLETION,
        "usr/share/cmap/cmap-json.schema.json": os.path.join(REPO, "docs", "cmap-json.schema.json"),
    }
    for relative, source in installed.items():
        path = root / relative
        assert path.is_file(), f"meson install did not create /{relative}"
        if source:
            assert path.read_bytes() == open(source, "rb").read(), relative
    assert os.access(root / "usr/bin/cmap", os.X_OK)
    version = run([str(root / "usr/bin/cmap"), "-V"])
    assert version.returncode == 0 and version.stdout.startswith("cmap version")
