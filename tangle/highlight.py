"""Syntax highlighting for the book's code chunks.

C, RISC-V assembly and Makefiles are lexed by Pygments (Debian's
python3-pygments): highlight_lines() lexes a whole chunk at once, each
chunk use standing in as a placeholder identifier, then splits the tokens
back into lines and uses. Linker scripts keep the small hand-written lexer
below, because Pygments 2.14 (Debian 12) has no lexer for GNU ld scripts;
it also serves plain text. The hand-written lexer's notes follow.

Chunk bodies arrive as pieces of text split by chunk uses, so the lexer
works on one text segment at a time and carries its state (inside a
block comment or not, at the start of a line or not) from one segment to
the next. It returns (class, text) tokens; weave.py turns them into HTML
spans or LaTeX macros. Classes: k keyword, t type, c comment, s string,
n number, p preprocessor, l label, d directive, r register, m mnemonic,
v make variable, i identifier, o other.
"""

import re

C_KEYWORDS = set("""auto break case const continue default do else enum extern for goto if
inline register restrict return sizeof static struct switch typedef union volatile while
_Static_assert _Alignof _Alignas _Noreturn _Bool asm __asm__ __attribute__ __volatile__
static_assert alignof noreturn""".split())
C_TYPES = set("""void char short int long float double signed unsigned bool
uint8 uint16 uint32 uint64 int8 int16 int32 int64 uchar ushort uint ulong
size_t ssize_t uintptr_t intptr_t uint8_t uint16_t uint32_t uint64_t
int8_t int16_t int32_t int64_t pte_t pagetable_t va_list""".split())
C_CONSTS = set("NULL true false".split())
PREPROC = ("include|define|undef|if|ifdef|ifndef|else|elif|endif|error|warning|pragma|line")

ASM_REGS = set(["zero", "ra", "sp", "gp", "tp", "fp"]
               + [f"x{i}" for i in range(32)] + [f"a{i}" for i in range(8)]
               + [f"t{i}" for i in range(7)] + [f"s{i}" for i in range(12)])
LD_KEYWORDS = set("""ENTRY OUTPUT_ARCH OUTPUT_FORMAT SECTIONS MEMORY PROVIDE ALIGN KEEP
BLOCK . ASSERT SIZEOF ADDR LOADADDR PHDRS INCLUDE""".split())
MAKE_KEYWORDS = set("""ifeq ifneq ifdef ifndef else endif include define endef export
override .PHONY""".split())

_C_TOKEN = re.compile(r"""
    (?P<lc>//.*)
  | (?P<bc>/\*)
  | (?P<s>"(?:\\.|[^"\\])*"?)
  | (?P<ch>'(?:\\.|[^'\\])*'?)
  | (?P<n>\b(?:0[xX][0-9a-fA-F]+|0[bB][01]+|\d+(?:\.\d+)?)[uUlL]*\b)
  | (?P<i>[A-Za-z_]\w*)
  | (?P<ws>\s+)
  | (?P<o>.)
""", re.X)

_ASM_TOKEN = re.compile(r"""
    (?P<lc>//.*|\#.*)
  | (?P<bc>/\*)
  | (?P<s>"(?:\\.|[^"\\])*"?)
  | (?P<ch>'(?:\\.|[^'\\])*'?)
  | (?P<n>-?\b(?:0[xX][0-9a-fA-F]+|\d+)\b)
  | (?P<i>[.A-Za-z_$][\w.$]*)
  | (?P<ws>\s+)
  | (?P<o>.)
""", re.X)

_MAKE_TOKEN = re.compile(r"""
    (?P<lc>\#.*)
  | (?P<v>\$\([^)]*\)|\$\{[^}]*\}|\$.)
  | (?P<i>[.A-Za-z_][\w.-]*)
  | (?P<ws>\s+)
  | (?P<o>.)
""", re.X)


def language_of(path):
    """The highlighter language for a file root, or 'text'."""
    if not path:
        return "text"
    base = path.rsplit("/", 1)[-1]
    if base.endswith((".c", ".h")):
        return "c"
    if base.endswith((".S", ".s", ".asm")):
        return "asm"
    if base.endswith(".ld") or base.endswith(".lds"):
        return "ld"
    if base == "Makefile" or base.endswith(".mk"):
        return "make"
    return "text"


class Lexer:
    """Stateful lexer: feed it text segments in order; call newline() between lines."""

    def __init__(self, lang):
        self.lang = lang
        self.in_comment = False
        self.line_start = True
        self.first_word_seen = False

    def newline(self):
        self.line_start = True
        self.first_word_seen = False
        # a preprocessor line does not continue unless it ends in '\'; ignore that case

    def lex(self, text):
        if self.lang == "text":
            self.line_start = False
            return [("o", text)] if text else []
        out = []
        pos = 0
        n = len(text)
        while pos < n:
            if self.in_comment:
                end = text.find("*/", pos)
                if end < 0:
                    out.append(("c", text[pos:]))
                    pos = n
                    break
                out.append(("c", text[pos:end + 2]))
                pos = end + 2
                self.in_comment = False
                continue
            if self.line_start and self.lang in ("c", "asm"):
                m = re.compile(r"(\s*)(#\s*(?:%s)\b)" % PREPROC).match(text, pos)
                if m:
                    if m.group(1):
                        out.append(("o", m.group(1)))
                    out.append(("p", m.group(2)))
                    pos = m.end()
                    self.line_start = False
                    self.first_word_seen = True
                    continue
            if self.lang == "asm" and not self.first_word_seen:
                m = re.compile(r"(\s*)([.A-Za-z_$][\w.$]*)(:)").match(text, pos)
                if m:
                    if m.group(1):
                        out.append(("o", m.group(1)))
                    out.append(("l", m.group(2)))
                    out.append(("o", ":"))
                    pos = m.end()
                    self.line_start = False
                    continue
            if self.lang == "make" and self.line_start:
                m = re.compile(r"([^\s:=#]+(?:\s+[^\s:=#]+)*)(\s*::?)(?!=)").match(text, pos)
                if m and not text[pos:].startswith("\t"):
                    out.append(("l", m.group(1)))
                    out.append(("o", m.group(2)))
                    pos = m.end()
                    self.line_start = False
                    continue
            regex = {"c": _C_TOKEN, "ld": _C_TOKEN, "asm": _ASM_TOKEN, "make": _MAKE_TOKEN}[self.lang]
            m = regex.match(text, pos)
            kind = m.lastgroup
            tok = m.group(kind)
            pos = m.end()
            if kind == "ws":
                out.append(("o", tok))
                continue
            self.line_start = False
            if kind == "bc":
                self.in_comment = True
                end = text.find("*/", pos)
                if end < 0:
                    out.append(("c", tok + text[pos:]))
                    pos = n
                else:
                    out.append(("c", tok + text[pos:end + 2]))
                    pos = end + 2
                    self.in_comment = False
                continue
            if kind == "lc":
                out.append(("c", tok))
            elif kind in ("s", "ch"):
                out.append(("s", tok))
            elif kind == "v":
                out.append(("v", tok))
            elif kind == "n":
                out.append(("n", tok))
            elif kind == "i":
                out.append((self.classify(tok), tok))
            else:
                out.append(("o", tok))
        return merge(out)

    def classify(self, word):
        if self.lang == "c":
            if word in C_KEYWORDS:
                return "k"
            if word in C_TYPES:
                return "t"
            if word in C_CONSTS:
                return "n"
            return "i"
        if self.lang == "asm":
            first = not self.first_word_seen
            self.first_word_seen = True
            if word.startswith("."):
                return "d"
            if first:
                return "m"
            if word in ASM_REGS:
                return "r"
            return "i"
        if self.lang == "ld":
            return "k" if word in LD_KEYWORDS else "i"
        if self.lang == "make":
            return "k" if word in MAKE_KEYWORDS else "o"
        return "o"


def merge(tokens):
    """Join neighbouring tokens of the same class (fewer spans)."""
    out = []
    for cls, text in tokens:
        if not text:
            continue
        if out and out[-1][0] == cls and cls not in ("i",):
            out[-1] = (cls, out[-1][1] + text)
        else:
            out.append((cls, text))
    return out


# ---------------------------------------------------------------- Pygments

try:
    from pygments.lexers import CLexer, GasLexer, MakefileLexer
    from pygments import token as T
except ImportError:   # tangle/deps.sh installs python3-pygments; fall back if it is missing
    CLexer = GasLexer = MakefileLexer = T = None

_PLACE = re.compile(r"nwUse(\d+)Q")


def _pygments_class(ttype, value, lang):
    if ttype in T.Comment.Preproc or ttype in T.Comment.PreprocFile:
        return "p"
    if ttype in T.Comment:
        return "c"
    if ttype in T.Keyword.Type:
        return "t"
    if ttype in T.Keyword.Constant:
        return "n"
    if ttype in T.Keyword:
        return "k"
    if ttype in T.Literal.String:
        return "s"
    if ttype in T.Literal.Number:
        return "n"
    if ttype in T.Name.Variable and lang == "make":
        return "v"
    if ttype in T.Name.Label:
        return "l"
    if ttype in T.Name:
        if lang == "asm":
            if value.startswith("."):
                return "d"
            if ttype in T.Name.Function:
                return "m"
            if value in ASM_REGS:
                return "r"
            return "i"
        if lang == "make":
            return "l" if ttype in T.Name.Function else "o"
        if value in C_TYPES:
            return "t"
        if value in C_CONSTS:
            return "n"
        return "i"
    return "o"


def _split_preproc(ttype, text, lang):
    """Pygments gives a C preprocessor line's body as one token; the book
    links the identifiers in it, so only the directive stays one piece."""
    if lang != "c" or ttype not in T.Comment.Preproc or ttype in T.Comment.PreprocFile:
        return [(_pygments_class(ttype, text, lang), text)]
    m = re.match(r"(\s*#?\s*\w*)(.*)", text, re.S)
    out = [("p", m.group(1))] if m.group(1) else []
    if m.group(2):
        out += Lexer("c").lex(m.group(2))
    return out


def highlight_lines(lang, lines):
    """lines: lists of ('text', s) / ('use', name) items, one list a line.
    Returns the same lines as lists of ('tok', class, text) / ('use', name)."""
    lexer = {"c": CLexer, "asm": GasLexer, "make": MakefileLexer}.get(lang) if T else None
    if lexer is None:
        lex, out = Lexer(lang), []
        for items in lines:
            line = []
            for it in items:
                if it[0] == "use":
                    line.append(("use", it[1]))
                    lex.line_start = False
                elif it[0] == "text":
                    line.extend(("tok", c, t) for c, t in lex.lex(it[1]))
            lex.newline()
            out.append(line)
        return out
    uses, text = [], []
    for items in lines:
        part = ""
        for it in items:
            if it[0] == "use":
                part += f"nwUse{len(uses)}Q"
                uses.append(it[1])
            elif it[0] == "text":
                part += it[1]
        text.append(part)
    out, line = [], []
    toks = lexer(stripnl=False, ensurenl=False, tabsize=0).get_tokens("\n".join(text))
    for ttype, value in toks:
        for i, piece in enumerate(value.split("\n")):
            if i > 0:
                out.append(line)
                line = []
            for j, bit in enumerate(_PLACE.split(piece)):
                if j % 2 == 1:
                    line.append(("use", uses[int(bit)]))
                elif bit:
                    for cls, sub in _split_preproc(ttype, bit, lang):
                        if line and line[-1][0] == "tok" and line[-1][1] == cls and cls != "i":
                            line[-1] = ("tok", cls, line[-1][2] + sub)
                        else:
                            line.append(("tok", cls, sub))
    out.append(line)
    return out[:len(lines)] + [[] for _ in range(len(lines) - len(out))]
