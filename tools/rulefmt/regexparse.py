"""A small parser for the Rust regex syntax the rules use: enough structure (groups,
alternatives, atoms, quantifiers) to lay a pattern out in `(?x)` mode. Each node renders two
ways: as written (`plain`) and escaped for verbose mode (`verbose`: every whitespace character
and `#` escaped, inside classes too, since `(?x)` ignores whitespace and starts a comment at
`#` everywhere). Equivalence of the result is not assumed here: check.rs proves it."""


class ParseError(Exception):
    pass


def verbose_char(c):
    """One literal character as it must be written under `(?x)`."""
    if c == ' ':
        return r'\x20'
    if c == '#':
        return r'\#'
    if c == '\t':
        return r'\t'
    if c == '\n':
        return r'\n'
    if c == '\r':
        return r'\r'
    if c.isspace():
        return r'\x{%X}' % ord(c)
    return c


class Atom:
    """A literal, escape, class, anchor or dot, with its quantifier."""

    def __init__(self, plain, verbose, is_class=False):
        self.plain_text, self.verbose_text = plain, verbose
        self.is_class = is_class
        self.quant = ''

    def plain(self):
        return self.plain_text + self.quant

    def verbose(self):
        return self.verbose_text + self.quant


class Flags:
    """A flag setting such as `(?i)` or `(?-i)` that is not a group."""

    def __init__(self, text):
        self.text = text
        self.quant = ''

    def plain(self):
        return self.text

    def verbose(self):
        return self.text


class Group:
    """A group: its opening (`(?:`, `(?i:`, `(?P<secret>`, `(`) and its alternatives."""

    def __init__(self, opening, alts):
        self.opening, self.alts = opening, alts
        self.quant = ''

    def name(self):
        o = self.opening
        if o.startswith('(?P<') or o.startswith('(?<'):
            return o[o.index('<') + 1:-1]
        return None

    def capturing(self):
        return self.opening == '(' or self.name() is not None

    def plain(self):
        return self.opening + '|'.join(seq_plain(a) for a in self.alts) + ')' + self.quant

    def verbose(self):
        return self.opening + '|'.join(seq_verbose(a) for a in self.alts) + ')' + self.quant


def seq_plain(seq):
    return ''.join(n.plain() for n in seq)


def seq_verbose(seq):
    return ''.join(n.verbose() for n in seq)


class Parser:
    def __init__(self, s):
        self.s, self.i = s, 0

    def peek(self, k=0):
        j = self.i + k
        return self.s[j] if j < len(self.s) else ''

    def parse(self):
        alts = self.alternatives()
        if self.i != len(self.s):
            raise ParseError('unbalanced ) at %d' % self.i)
        return alts

    def alternatives(self):
        alts, seq = [], []
        while self.i < len(self.s):
            c = self.peek()
            if c == ')':
                break
            if c == '|':
                alts.append(seq)
                seq = []
                self.i += 1
                continue
            node = self.atom()
            if not isinstance(node, Flags):
                node.quant = self.quantifier()
            seq.append(node)
        alts.append(seq)
        return alts

    def quantifier(self):
        s, start = self.s, self.i
        c = self.peek()
        if not c:
            return ''
        if c in '*+?':
            self.i += 1
        elif c == '{':
            j = s.index('}', self.i)
            self.i = j + 1
        else:
            return ''
        if self.peek() == '?':
            self.i += 1
        if self.peek() and self.peek() in '*+?{':
            raise ParseError('stacked quantifier at %d' % self.i)
        return s[start:self.i]

    def escape(self):
        """An escape starting at `\\`; returns its text."""
        s, start = self.s, self.i
        c = self.peek(1)
        if not c:
            raise ParseError('trailing backslash')
        if c in 'xpP' and self.peek(2) == '{':
            j = s.index('}', self.i)
            self.i = j + 1
        elif c == 'x':
            self.i += 4
        elif c in 'pP':
            self.i += 3
        else:
            self.i += 2
        return s[start:self.i]

    def atom(self):
        c = self.peek()
        if c == '\\':
            t = self.escape()
            if t == '\\ ':
                return Atom(t, r'\x20')
            return Atom(t, t)
        if c == '[':
            plain, verbose = self.klass()
            return Atom(plain, verbose, is_class=True)
        if c == '(':
            return self.group()
        self.i += 1
        return Atom(c, verbose_char(c))

    def klass(self):
        s = self.s
        assert s[self.i] == '['
        plain, verbose = ['['], ['[']
        self.i += 1
        if self.peek() == '^':
            plain.append('^')
            verbose.append('^')
            self.i += 1
        if self.peek() == ']':
            plain.append(']')
            verbose.append(']')
            self.i += 1
        while True:
            c = self.peek()
            if not c:
                raise ParseError('unclosed class')
            if c == ']':
                self.i += 1
                plain.append(']')
                verbose.append(']')
                return ''.join(plain), ''.join(verbose)
            if c == '\\':
                t = self.escape()
                plain.append(t)
                verbose.append(r'\x20' if t == '\\ ' else t)
                continue
            if c == '[':
                j = s.find(':]', self.i)
                if self.peek(1) == ':' and j != -1 and s[self.i + 2:j].lstrip('^').isalpha():
                    t = s[self.i:j + 2]
                    self.i = j + 2
                    plain.append(t)
                    verbose.append(t)
                    continue
                p, v = self.klass()
                plain.append(p)
                verbose.append(v)
                continue
            self.i += 1
            plain.append(c)
            verbose.append(verbose_char(c))

    def group(self):
        s = self.s
        start = self.i
        if self.peek(1) != '?':
            self.i += 1
            opening = '('
        elif s.startswith('(?P<', self.i) or s.startswith('(?<', self.i):
            j = s.index('>', self.i)
            self.i = j + 1
            opening = s[start:self.i]
        else:
            j = self.i + 2
            while j < len(s) and s[j] not in ':)':
                j += 1
            if j >= len(s):
                raise ParseError('unclosed group')
            self.i = j + 1
            if s[j] == ')':
                return Flags(s[start:self.i])
            opening = s[start:self.i]
        alts = self.alternatives()
        if self.peek() != ')':
            raise ParseError('unclosed group')
        self.i += 1
        return Group(opening, alts)


def parse(pattern):
    """The pattern's top-level alternatives, each a list of nodes."""
    return Parser(pattern).parse()
