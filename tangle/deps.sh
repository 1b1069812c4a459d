#!/bin/sh
# Install the Debian packages a target needs, if any is missing.
#   usage: tangle/deps.sh kernel|test|book
# As root it runs apt-get; otherwise it prints the exact command to run.
set -e
group=${1:-kernel}

# package:command-or-file that proves it is installed
kernel="python3:python3 make:make gcc:gcc gcc-riscv64-unknown-elf:riscv64-unknown-elf-gcc \
binutils-riscv64-unknown-elf:riscv64-unknown-elf-objdump \
qemu-system-misc:qemu-system-riscv64 \
opensbi:/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin noweb:/usr/lib/noweb/markup"
test="$kernel clang:clang libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a \
clang-format:clang-format device-tree-compiler:dtc pyflakes3:pyflakes3"
book="$test pandoc:pandoc texlive-xetex:xelatex texlive-lang-chinese:/usr/share/texlive/texmf-dist/tex/latex/ctex/ctexbook.cls \
texlive-latex-recommended:/usr/share/texlive/texmf-dist/tex/latex/koma-script/scrartcl.cls \
lmodern:/usr/share/texmf/fonts/opentype/public/lm/lmroman10-regular.otf \
fonts-noto-cjk:/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc latexmk:latexmk \
texlive-fonts-recommended:/usr/share/texlive/texmf-dist/fonts/tfm/adobe/zapfding/pzdr.tfm poppler-utils:pdftotext chromium:chromium graphviz:dot universal-ctags:ctags \
nodejs:node libjs-lunr:/usr/share/javascript/lunr/lunr.min.js python3-pygments:/usr/lib/python3/dist-packages/pygments"

case $group in
kernel) want=$kernel ;;
test) want=$book ;;
book) want=$book ;;
*) echo "deps.sh: unknown group '$group' (kernel, test or book)" >&2; exit 2 ;;
esac

missing=""
for pair in $want; do
    pkg=${pair%%:*}
    probe=${pair#*:}
    case $probe in
    /*) [ -e "$probe" ] || missing="$missing $pkg" ;;
    *) command -v "$probe" >/dev/null 2>&1 || missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
    echo "Missing packages:$missing" >&2
    echo "Run as root:  apt-get update && $cmd" >&2
    exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
