"""What counts as Chinese and as English prose in a figure's labels
(book/CONVENTIONS.md, "Figures"; used by tests/book/figures.py).

Chinese: any CJK character or CJK/full-width punctuation.
English prose: a word of three or more letters, all lower case after an
optional capital ("kernel", "Frame"), or a short function word (no, of,
in...), that is not code. Code is: text in quotes or braces, a call with its
arguments (vpn_index(v, level)), "struct x", a word right after "." (.text)
or before "[" or ".x" (tasks[0], sbi.o), a word in a path or a command
line's word (kernel/fs.c, -drive, riscv64-unknown-elf-gcc: see TOKEN), a
word with a digit, "_" or an
inner capital (a0, sys_write, OpenSBI), an upper-case word (READY, SBI), a
word of one or two letters (sp, ra), and the names in CODE_WORDS: kernel
and RISC-V identifiers that a Chinese label uses as they are. A figure that
needs another such name adds it to CODE_WORDS.
"""
import re

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*")   # not inside 0xff
QUOTED = re.compile(r'"[^"]*"|&quot;.*?&quot;|\{[^{}]*\}|\b\w+\([^()]*\)|\bstruct \w+')
PROSE = re.compile(r"[A-Za-z][a-z]+")
# a run of characters without a space, as in a path or a command line
TOKEN = re.compile(r"[A-Za-z0-9_./+-]+")
# short English words that only prose uses
SHORT = set("no of in on at to by is or an as it be up".split())

CODE_WORDS = set("""
ecall sret mret ret wfi sfence csrrw csrr csrw fence
fork exec exit wait waitpid yield spawn wakeup read write open close kill getpid sleep
printf malloc memcpy memset kmain main
hart hartid virt struct cpu initproc sh usertests
satp sepc sstatus scause stval stvec sscratch sip sie mtime mtimecmp
args argv argc dtb bound zero off buf len
stext etext srodata erodata sdata edata sbss ebss skernel ekernel strampoline
current next areas end
void pid libc sbrk mmap munmap alloc mod ctrl copyin copyout
inode balloc refcnt head virtio blk mmio
addr flags idx avail used ring type sector size nlink unlink
note inum ref notangle
nread nwrite readers writers notes console
pending mask frame handler sigreturn sigprocmask sigaction fcsr
tid addi addiw bnez allocation need available work
parent status space sig heap name syscalls ctx pass priority chan scheduler waittid proc thread
""".split())


def cjk(text):
    return CJK.findall(text)


def is_code_token(text, at):
    """Is the word at text[at] part of a path (kernel/fs.c), a command-line
    option (-drive) or a hyphenated name with a digit in it
    (riscv64-unknown-elf-gcc)? Hyphenated prose (read-only) is not."""
    for t in TOKEN.finditer(text):
        if t.start() <= at < t.end():
            tok = t.group(0).strip(".")
            return ("/" in tok or tok.startswith("-")
                    or ("-" in tok and any(re.search(r"\d", p) for p in tok.split("-"))))
    return False


def english_words(text):
    """The English prose words in a label (code and identifiers left out)."""
    text = QUOTED.sub(" ", text)
    words = []
    for m in WORD.finditer(text):
        w, before, after = m.group(0), text[:m.start()], text[m.end():]
        if is_code_token(text, m.start()):
            continue
        if w.lower() in SHORT and not w.isupper():   # IN, OR: constants
            words.append(w)
            continue
        if len(w) < 3 or not PROSE.fullmatch(w) or w.lower() in CODE_WORDS:
            continue
        if before.endswith(".") or after.startswith(("(", "[")) or re.match(r"\.\w", after):
            continue
        words.append(w)
    return words
