"""Lays a parsed rule regex out in `(?x)` mode: one part of intent per line, each with a short
comment naming it. The shared pieces of the rule templates (name prefix, assignment, quote,
secret group, end delimiter) are recognised by their text and always get the same layout and
comment; other parts get a comment describing their shape."""

import re

import regexparse as rp

WIDTH = 110  # the longest line wanted
COMMENT_COL = 52  # where inline comments start when the code is shorter
STEP = 2

# Shared pieces, recognised by their text as written (a full match of the part's plain text).
PIECES = [
    (r'\\b\(\?:\[[a-zA-Z0-9-]*?(?:_\.-|_)\]\*\[_\.-\]\)\?', 'optional name prefix: DEVELOPER_, my-app.'),
    (r'\\b\(\?:\[[a-zA-Z0-9-]+\]\+(?:\[_\.-\]|_)\)\?', 'optional name prefix: MY_APP_'),
    (r'\\b\(\?:\[a-z0-9\]\+\[_\.-\]\?\)\{0,3\}', 'up to three name words before it'),
    (r'\(\?:\\b\|\[_\.-\]\)', 'a word boundary or a name separator'),
    (r'\(\?:\\\\\?\[\\\]"\']\{0,2\}\[ \\t\\r\]\*\(\?:\\n\[ \\t\\r\]\*\)\?\(\?::=\|=>\|\[:=\]\)'
     r'\|\["\']\?\[ \\t\]\*\\r\?\\n\[ \\t\]\*value\[ \\t\]\*:\)',
     'an operator after the name, or a k8s env `value:` line'),
    (r'\\\\\?\[\\\]"\']\{0,2\}\[ \\t\\r\]\*\(\?:\\n\[ \\t\\r\]\*\)\?\(\?:[^()]*\)',
     'NAME = / "name": / name => / name :='),
    (r'\["\']\?\[ \\t\]\*\\r\?\\n\[ \\t\]\*value\[ \\t\]\*:', 'a k8s env entry: `name:` then `value:`'),
    (r'\[ \\t\]\+\(\?:string\|String\|str\)\[ \\t\]\*=', 'a typed declaration: `name string =`'),
    (r'\\\\\?\["\']\[ \\t\]\*,', 'a quoted pair: `"NAME", "value"`'),
    (r'\(\?:(?:(?::\{1,3\}|\[\?\.\]\?|\[:=\]|\[:=,\]|:|=|=>|\?|\.)+\|?)+\)', 'an assignment operator'),
    (r'://\[\^:@/\\s"\'<>\]\{0,64\}:', '`://`, a user name, `:`'),
    (r'@\[\\\[A-Za-z0-9_%\.-\]', 'then `@` and the host'),
    (r'\[ \\t\\r\]\*\(\?:\\n\[ \\t\\r\]\*\)\?', 'spaces, at most one line break'),
    (r'\[ \\t\\r\]\{0,(\d+)\}\(\?:\\n\[ \\t\\r\]\{0,\1\}\)\?', 'a few spaces, at most one line break'),
    (r'\[ \\t\\r\]\+\(\?:\\n\[ \\t\\r\]\*\)\?\|\\n\[ \\t\\r\]\*', 'spaces or a line break'),
    (r'\\\\\?\["\'`\]\?', 'an optional quote (escaped or not)'),
    (r'\\\\\?\["\']\?', 'an optional quote (escaped or not)'),
    (r'\\\\\?\["\']\?\\\]\?', 'an optional closing quote and bracket'),
    (r'\["\']\?', 'an optional quote'),
    (r'\["\'`\]\?', 'an optional quote'),
    (r'\(\?:\[ \\t\]\{1,4\}\|-\)\\\\\?\["\'`\]\?', 'or 1-4 spaces or a dash: `name value`, `name-value`'),
    (r'\(\?:\[ \\t\]\{1,4\}\|-\)\["\'`\]\?', 'or 1-4 spaces or a dash: `name value`, `name-value`'),
    (r'\[ \\t\]\+\\\\\?\["\'`\]\?', 'or spaces: `name value`'),
    (r'\[ \\t\]\*', 'spaces'),
    (r'\[ \\t\]\+', 'spaces'),
    (r'\\r\?\\n', 'a line break'),
    (r'\\b', 'a word boundary'),
    (r'\(\?:\^\|\[\^[^\]]*\]\)', 'the line start or a character no token holds'),
]
PIECES = [(re.compile(p), c) for p, c in PIECES]

# Whole alternatives of the assignment group, recognised only as a line of their own.
ALT_PIECES = [
    (r'>', 'an XML element: `<name>value`'),
    (r'-', 'a dash: `name-value`'),
    (r'\[ \\t\]\{1,4\}', '1-4 spaces: `name value`'),
    (r'\[ \\t\]\+', 'spaces: `name value`'),
]
ALT_PIECES = [(re.compile(p), c) for p, c in ALT_PIECES]

CLASS_WORDS = {
    '[a-f0-9]': 'lowercase hex', '[0-9a-f]': 'lowercase hex',
    '[a-fA-F0-9]': 'hex', '[0-9a-fA-F]': 'hex', '[A-Fa-f0-9]': 'hex', '[0-9A-Fa-f]': 'hex',
    '[A-F0-9]': 'uppercase hex', '[0-9A-F]': 'uppercase hex',
    '[A-Za-z0-9]': 'letters/digits', '[a-zA-Z0-9]': 'letters/digits',
    '[A-Za-z0-9_-]': 'base64url', '[A-Za-z0-9-_]': 'base64url', '[a-zA-Z0-9_-]': 'base64url',
    '[A-Za-z0-9+/]': 'base64', '[A-Za-z0-9/+]': 'base64', '[A-Za-z0-9+/_-]': 'base64 or base64url',
    '[A-Z0-9]': 'uppercase letters/digits', '[a-z0-9]': 'lowercase letters/digits',
    '[0-9]': 'digits', '\\d': 'digits', '[a-z2-7]': 'lowercase base32', '[A-Z2-7]': 'base32',
    '[A-Za-z]': 'letters', '[a-z]': 'lowercase letters', '[A-Z]': 'uppercase letters',
    '[A-Za-z0-9_]': 'word characters', '[A-Za-z0-9._-]': 'letters, digits, . _ -',
    '[A-Za-z0-9_.-]': 'letters, digits, . _ -',
}


def count_words(quant):
    m = re.fullmatch(r'\{(\d+)\}', quant)
    if m:
        return m.group(1)
    m = re.fullmatch(r'\{(\d+),(\d+)\}\??', quant)
    if m:
        return '%s-%s' % (m.group(1), m.group(2))
    m = re.fullmatch(r'\{(\d+),\}\??', quant)
    if m:
        return '%s or more' % m.group(1)
    return {'+': 'one or more', '*': 'any number of', '+?': 'one or more', '*?': 'any number of',
            '': '1'}.get(quant)


def describe_class(text):
    """A character class in words: `[A-Za-z0-9+/=_-]` is `letters, digits or +/=_-`."""
    if text in CLASS_WORDS:
        return CLASS_WORDS[text]
    if text.startswith('[^'):
        return 'value chars'
    if not (text.startswith('[') and text.endswith(']')) or '[' in text[1:] or '&&' in text:
        return None
    body = text[1:-1]
    kinds, rest, i = [], '', 0
    while i < len(body):
        if body[i] == '\\' and i + 1 < len(body):
            esc = body[i:i + 2]
            if esc in ('\\r', '\\n', '\\t', '\\s'):
                kinds.append({'\\s': 'whitespace'}.get(esc, 'line breaks/tabs'))
            elif esc == '\\x' or body[i + 1] in 'pPdwDWS':
                return None
            else:
                rest += body[i + 1]
            i += 2
            continue
        if i + 2 < len(body) and body[i + 1] == '-':
            r = body[i:i + 3]
            i += 3
            name = {'A-Z': 'uppercase', 'a-z': 'lowercase', '0-9': 'digits', 'a-f': 'lowercase hex',
                    'A-F': 'uppercase hex', '2-7': 'digits 2-7'}.get(r)
            if name is None:
                return None
            kinds.append(name)
            continue
        rest += body[i]
        i += 1
    ks = []
    for k in kinds:
        if k not in ks:
            ks.append(k)
    if 'uppercase' in ks and 'lowercase' in ks:
        ks[ks.index('uppercase')] = 'letters'
        ks.remove('lowercase')
    if not ks:
        return 'one of %s' % rest if rest else None
    words = ', '.join(ks)
    return words + (' or ' + rest if rest else '')


def describe_seq(seq):
    """The format of a token, in words: `32 lowercase hex`, `sk- + 48 letters, digits`."""
    if not seq:
        return None
    text = rp.seq_plain(seq)
    if re.fullmatch(r'(\[[0-9a-fA-F-]+\])\{8\}-\1\{4\}-\1\{4\}-\1\{4\}-\1\{12\}', text):
        return 'a UUID'
    if text.startswith('eyJ') and re.search(r'\\\.eyJ', text):
        return 'a JWT (header.payload.signature)'
    m = re.fullmatch(r'\{(\d+),(\d+)\}', seq[-1].quant) if len(seq) == 2 else None
    if m and all(isinstance(n, rp.Atom) and n.plain_text.startswith('[^') for n in seq) \
            and not seq[0].quant:
        return 'a value of %d-%d chars, no spaces or quotes' % (int(m.group(1)) + 1,
                                                               int(m.group(2)) + 1)
    words, lit = [], ''
    for n in seq:
        if isinstance(n, rp.Atom) and not n.is_class and len(n.plain_text) <= 2 \
                and (len(n.plain_text) == 1 or n.plain_text[0] == '\\' and
                     not n.plain_text[1].isalnum()) and n.plain_text not in ('^', '$', '.'):
            ch = n.plain_text[-1]
            if not n.quant:
                lit += ch
                continue
            if lit:
                words.append(lit)
                lit = ''
            cnt = count_words(n.quant)
            if n.quant in ('?', '??'):
                words.append('optional %s' % ch)
            elif cnt:
                words.append('%s %s' % (cnt, ch))
            else:
                return None
            continue
        if lit:
            words.append(lit)
            lit = ''
        if isinstance(n, rp.Atom):
            cls = describe_class(n.plain_text) if n.is_class else CLASS_WORDS.get(n.plain_text)
            cnt = count_words(n.quant)
            if n.quant in ('?', '??') and cls:
                words.append('optional ' + cls)
                continue
            if cls is None or cnt is None:
                return None
            words.append('%s %s' % (cnt, cls))
        elif isinstance(n, rp.Group) and not n.capturing():
            inner = [describe_seq(a) for a in n.alts]
            if None in inner:
                return None
            d = ' or '.join(inner)
            if n.quant in ('?', '??'):
                d = 'optional ' + d if len(n.alts) == 1 else 'optional (%s)' % d
            elif n.quant:
                cnt = count_words(n.quant)
                if cnt is None:
                    return None
                d = '%s × (%s)' % (cnt, d)
            elif len(n.alts) > 1:
                d = '(%s)' % d
            words.append(d)
        else:
            return None
    if lit:
        words.append(lit)
    return ', '.join(words)


def describe_secret(group):
    d = ' | '.join(filter(None, (describe_seq(a) for a in group.alts)))
    if d and all(describe_seq(a) for a in group.alts) and len(d) <= 90:
        return 'the secret: ' + d
    return 'the secret'


def is_end(node):
    """`(?:[^…]|$)`, `(?:["'\\s]|$)`: the character after the token, or the end."""
    return (isinstance(node, rp.Group) and node.opening == '(?:' and not node.quant
            and len(node.alts) == 2 and [a.plain() for a in node.alts[1]] == ['$']
            and len(node.alts[0]) == 1 and isinstance(node.alts[0][0], rp.Atom)
            and node.alts[0][0].is_class and not node.alts[0][0].quant)


def secret_group(alts):
    """The node of the secret's group: the one named `secret`, else the first capture."""
    found = []

    def walk(seq):
        for n in seq:
            if isinstance(n, rp.Group):
                if n.capturing():
                    found.append(n)
                for a in n.alts:
                    walk(a)

    for a in alts:
        walk(a)
    for n in found:
        if n.name() == 'secret':
            return n
    return found[0] if found else None




def is_assignment(node):
    """The group of the forms between a name and its value (`=`, `:`, `=>`, `value:` …)."""
    if not isinstance(node, rp.Group) or len(node.alts) < 2 or node.capturing():
        return False
    text = node.plain()
    return ('value' in text or ':=' in text or '=>' in text) and '(?P<' not in text \
        and not is_name(node) and not text.startswith('(?i:') and not has_name(node)


def has_name(node):
    return isinstance(node, rp.Group) and any(
        is_name(n) or has_name(n) for a in node.alts for n in a)


def is_name(node):
    """A `(?i:…)` group starting with the optional name prefix: the name-anchored template."""
    text = node.plain()
    return isinstance(node, rp.Group) and bool(NAME_START.match(text))


NAME_START = re.compile(r'\(\?i:\\b\(\?:\[[a-zA-Z0-9_.-]+\][*+]\[_\.-\]\)\?')
CRED = re.compile(r'(?i)key|token|secret|passw|pat\b|auth|access|private|credential|api')
OPERATOR_CHARS = re.compile(r'[:=>?.,\[\]{}0-9|()]+')


class Ctx:
    """What the layout needs to know: the secret's group, and whether we are inside it."""

    def __init__(self, secret):
        self.secret = secret
        self.in_secret = False


def piece_comment(text, last=False, alternative=False):
    for pat, c in PIECES:
        if pat.fullmatch(text):
            if c == 'a word boundary' and last:
                return 'and a word boundary'
            return c
    if alternative:
        for pat, c in ALT_PIECES:
            if pat.fullmatch(text):
                return c
    return None


def comment_for(nodes, ctx, last=False, alternative=False):
    """The comment of a line holding `nodes`, or None."""
    text = ''.join(n.plain() for n in nodes)
    c = piece_comment(text, last, alternative)
    if c:
        return c
    if len(nodes) == 1:
        n = nodes[0]
        if n is ctx.secret:
            return describe_secret(n)
        if is_end(n):
            return 'and nothing more of it'
        if is_name(n):
            return 'the name: optional prefix, provider word, credential words'
        if isinstance(n, rp.Group) and len(n.alts) > 1 and has_name(n) and not n.capturing():
            return 'before the secret: a name and an assignment, or one of the other forms'
        if is_assignment(n):
            return 'then an assignment, one of these forms, and an optional quote'
        if isinstance(n, rp.Group) and len(n.alts) > 1 and text.startswith('(?:') and \
                OPERATOR_CHARS.fullmatch(text[3:]) and '=' in text:
            return 'an assignment operator'
        if isinstance(n, rp.Group) and n.capturing():
            d = describe_seq(n.alts[0]) if len(n.alts) == 1 else None
            return 'captured: ' + d if d and len(d) < 60 else 'a captured part'
    if ctx.in_secret:
        d = describe_seq(nodes)
        if d and len(d) < 60:
            return d
    return None


def is_major(n, ctx):
    return isinstance(n, rp.Group) and (n is ctx.secret or n.capturing() or len(n.alts) > 1
                                        or is_name(n) or is_end(n) or len(n.verbose()) > 40)


# Pieces too small to stand on a line of their own unless nothing is beside them.
MINOR = {'spaces', 'a line break', 'a word boundary', 'an optional quote',
         'an optional quote (escaped or not)', 'an optional closing quote and bracket'}


def piece_at(seq, i):
    """The end of the longest shared piece starting at `i` that stands on its own line, or
    None."""
    for j in range(len(seq), i, -1):
        c = piece_comment(''.join(n.plain() for n in seq[i:j]))
        if c and c not in MINOR:
            return j
    return None


def parts_of(seq, ctx):
    """Splits a sequence into parts: shared pieces, major groups, and runs of the rest."""
    parts, i = [], 0
    while i < len(seq):
        j = piece_at(seq, i)
        if j is not None:
            parts.append(seq[i:j])
            i = j
            continue
        if is_major(seq[i], ctx):
            parts.append([seq[i]])
            i += 1
            continue
        j = i + 1
        while j < len(seq) and not is_major(seq[j], ctx):
            if piece_at(seq, j) is not None:
                break
            j += 1
        parts.append(seq[i:j])
        i = j
    return parts


class Out:
    def __init__(self):
        self.lines = []  # (indent, code, comment)

    def add(self, indent, code, comment=None):
        self.lines.append((indent, code, comment))

    def text(self):
        out = []
        for indent, code, comment in self.lines:
            line = ' ' * indent + code
            if comment:
                col = max(len(line) + 2, COMMENT_COL)
                if col + 2 + len(comment) <= WIDTH:
                    line = line.ljust(col) + '# ' + comment
                else:
                    lead = len(code) - len(code.lstrip(' |'))
                    out.append(' ' * (indent + lead) + '# ' + comment)
            out.append(line.rstrip())
        return '\n'.join(out)


def fits(indent, prefix, text):
    return indent + len(prefix) + len(text) <= WIDTH - 6


def must_split(seq, ctx):
    """A sequence holding the secret's group or a name group is split even if it fits."""
    return any(n is ctx.secret or is_name(n) for n in seq)


def lay_seq(seq, indent, out, ctx, prefix='', top=False, alternative=False):
    """Lays out a sequence; `prefix` (`| ` or spaces) goes before its first line."""
    if not seq:
        out.add(indent, prefix.rstrip(), 'or nothing')
        return
    text = rp.seq_verbose(seq)
    if not top and fits(indent, prefix, text) and not must_split(seq, ctx):
        out.add(indent, prefix + text, comment_for(seq, ctx, True, alternative))
        return
    parts = parts_of(seq, ctx)
    pad = ' ' * len(prefix)
    for k, part in enumerate(parts):
        pre = prefix if k == 0 else pad
        last = k == len(parts) - 1
        c = comment_for(part, ctx, last)
        t = rp.seq_verbose(part)
        if len(part) == 1 and isinstance(part[0], rp.Group) and (
                not fits(indent, pre, t) or is_name(part[0]) or part[0] is ctx.secret
                and len(part[0].alts) > 1 and not fits(indent, pre, t)):
            lay_group(part[0], indent, out, ctx, pre, c)
        elif fits(indent, pre, t):
            out.add(indent, pre + t, c)
        else:
            lay_run(part, indent, out, ctx, pre, c)


def lay_run(nodes, indent, out, ctx, prefix, comment=None):
    """A run of nodes too long for a line: broken between nodes, long groups laid out."""
    line, pre = '', prefix
    for n in nodes:
        t = n.verbose()
        if isinstance(n, rp.Group) and not fits(indent, pre, t):
            if line:
                out.add(indent, pre + line, comment)
                comment, line = None, ''
                pre = ' ' * len(prefix)
            lay_group(n, indent, out, ctx, pre, comment_for([n], ctx) or comment)
            comment, pre = None, ' ' * len(prefix)
            continue
        if line and not fits(indent, pre, line + t):
            out.add(indent, pre + line, comment)
            comment, line = None, ''
            pre = ' ' * len(prefix)
        line += t
    if line:
        out.add(indent, pre + line, comment)


def lay_name(seq, indent, out, ctx, prefix):
    """The name of the name-anchored template: prefix, provider word, credential words, `\b`."""
    i = piece_at(seq, 0) or 0
    pad = ' ' * len(prefix)
    if i:
        out.add(indent, prefix + rp.seq_verbose(seq[:i]), piece_comment(rp.seq_plain(seq[:i])))
        prefix = pad
    end = len(seq) - 1 if seq and seq[-1].plain() == '\\b' else len(seq)
    middle = seq[i:end]
    # provider word(s), then qualifier and credential words from the first separator on
    split = None
    for k in range(1, len(middle)):
        if isinstance(middle[k], rp.Group) and CRED.search(middle[k].plain()):
            split = k
            if isinstance(middle[k - 1], rp.Atom) and middle[k - 1].is_class and k > 1:
                split = k - 1
            break
    chunks = [(middle[:split], 'provider word'), (middle[split:], 'qualifier and credential words')] \
        if split else [(middle, 'provider and credential words')]
    for nodes, c in chunks:
        t = rp.seq_verbose(nodes)
        if fits(indent, prefix, t):
            out.add(indent, prefix + t, c)
        else:
            lay_run(nodes, indent, out, ctx, prefix, c)
        prefix = pad
    if end < len(seq):
        out.add(indent, prefix + '\\b', 'the name ends on a word boundary')


def lay_group(g, indent, out, ctx, prefix='', comment=None):
    """A group over several lines: its opening, its content (one alternative per line, `|`
    before all but the first), the close and its quantifier."""
    out.add(indent, prefix + g.opening, comment)
    inner = indent + len(prefix) + STEP
    was = ctx.in_secret
    if g is ctx.secret:
        ctx.in_secret = True
    name = is_name(g)
    many = len(g.alts) > 1
    for k, alt in enumerate(g.alts):
        pre = ('  ' if k == 0 else '| ') if many else ''
        if name and k == 0:
            lay_name(alt, inner, out, ctx, pre)
        elif alt and NAME_START.match('(?i:' + rp.seq_plain(alt)) and g.opening == '(?i:':
            lay_name(alt, inner, out, ctx, pre)
        else:
            lay_seq(alt, inner, out, ctx, pre, alternative=many)
    ctx.in_secret = was
    out.add(indent + len(prefix), ')' + g.quant, None)


def convert(pattern):
    """The `(?x)` text of a one-line pattern: the flags line, then one part per line."""
    alts = rp.parse(pattern)
    flags = '(?x)'
    if alts[0] and isinstance(alts[0][0], rp.Flags) and '-' not in alts[0][0].text:
        flags = '(?x' + alts[0][0].text[2:]
        alts[0] = alts[0][1:]
    ctx = Ctx(secret_group(alts))
    out = Out()
    if len(alts) == 1:
        lay_seq(alts[0], STEP, out, ctx, top=True)
    else:
        for k, alt in enumerate(alts):
            lay_seq(alt, STEP, out, ctx, '  ' if k == 0 else '| ', top=True)
    return flags + '\n' + out.text() + '\n'
