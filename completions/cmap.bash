# SPDX-License-Identifier: MIT
# bash completion for cmap: options (Nmap 7.93's spellings plus cmap's own),
# file names after the options that take a file, directories after
# --datadir, and the values of -T/--timing and --nsock-engine.
# Installed as share/bash-completion/completions/cmap; works without the
# bash-completion package too (it uses only compgen).

# Spelled as Nmap's manual spells them: two-letter long options such as
# -oN take one dash, the others two. tests/docs/test_docs.py checks that
# every option of src/cli/options.c is listed here.
_cmap_options='
-4 -6 -A -b -D -d -e -F -f -g -h -I -i -M -m -n -O -o -p -q -R -r -S -T -V -v
-sL -sn -sP -sT -sS -sA -sW -sM -sN -sF -sX -sU -sO -sY -sZ -sV -sR -sC -sI
-Pn -P0 -PN -PD -PS -PA -PT -PB -PU -PY -PE -PI -PP -PM -PO -PR
-iL -iR -oN -oX -oG -oA -oS -oH -oM -oJ -oJL -rH -vv -ff
--version --verbose --datadir --servicedb --versiondb --debug --help --iflist
--release-memory --nogcc --max-os-tries --max-parallelism --min-parallelism
--timing --max-rtt-timeout --min-rtt-timeout --initial-rtt-timeout
--excludefile --exclude --max-hostgroup --min-hostgroup --open --scanflags
--defeat-rst-ratelimit --defeat-icmp-ratelimit --host-timeout --scan-delay
--max-scan-delay --max-retries --source-port --randomize-hosts --nsock-engine
--proxies --proxy --discovery-ignore-rst --osscan-limit --osscan-guess --fuzzy
--packet-trace --version-trace --data --data-string --data-length --send-eth
--send-ip --stylesheet --no-stylesheet --webxml --vv --ff --privileged
--unprivileged --mtu --append-output --noninteractive --spoof-mac --thc
--badsum --ttl --traceroute --reason --allports --version-intensity
--version-light --version-all --system-dns --resolve-all --unique
--log-errors --deprecated-xml-osclass --yoloscan --dns-servers --port-ratio
--exclude-ports --top-ports --script --script-trace --script-updatedb
--script-args --script-args-file --script-help --script-timeout --ip-options
--min-rate --max-rate --adler32 --stats-every --disable-arp-ping --route-dst
--resume --drop-user
'

_cmap_timing='0 1 2 3 4 5 paranoid sneaky polite normal aggressive insane'

_cmap_files()
{
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$1")
}

_cmap_dirs()
{
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -d -- "$1")
}

# Completes the argument of option $1; returns 1 when $1 takes none that
# can be completed.
_cmap_argument()
{
    local opt=$1 cur=$2
    case $opt in
    -iL | -i | --excludefile | -oN | -o | -oX | -oG | -oM | -m | -oA | -oS | \
        -oJ | -oJL | --resume | --servicedb | --versiondb | --stylesheet | \
        --script-args-file)
        _cmap_files "$cur"
        ;;
    --datadir)
        _cmap_dirs "$cur"
        ;;
    -T | --timing)
        mapfile -t COMPREPLY < <(compgen -W "$_cmap_timing" -- "$cur")
        ;;
    --nsock-engine)
        mapfile -t COMPREPLY < <(compgen -W 'epoll poll select' -- "$cur")
        ;;
    *)
        return 1
        ;;
    esac
    return 0
}

_cmap()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    # "--datadir=/us": bash splits the word at '=' (COMP_WORDBREAKS).
    if [[ $cur == "=" ]]; then
        _cmap_argument "$prev" "" && return 0
    elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
        _cmap_argument "${COMP_WORDS[COMP_CWORD - 2]}" "$cur" && return 0
    fi
    _cmap_argument "$prev" "$cur" && return 0

    case $cur in
    -T*)
        # A template glued to the letter: -T4, -Tinsane.
        local t words=""
        for t in $_cmap_timing; do words+=" -T$t"; done
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
        ;;
    -*)
        mapfile -t COMPREPLY < <(compgen -W "$_cmap_options" -- "$cur")
        ;;
    esac
    return 0
}

complete -F _cmap cmap
