/* Recursive-descent JSON checker (see json_check.h). */
#include "json_check.h"

#include <string.h>

struct cursor {
	const char *s;
	size_t i, len;
	int depth;
};

static int value(struct cursor *c);

static void blanks(struct cursor *c)
{
	while (c->i < c->len && strchr(" \t\n\r", c->s[c->i]) && c->s[c->i])
		c->i++;
}

static int literal(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	if (c->len - c->i < n || memcmp(c->s + c->i, word, n))
		return -1;
	c->i += n;
	return 0;
}

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int number(struct cursor *c)
{
	if (c->i < c->len && c->s[c->i] == '-')
		c->i++;
	if (c->i >= c->len || !is_digit(c->s[c->i]))
		return -1;
	if (c->s[c->i] == '0')
		c->i++;
	else
		while (c->i < c->len && is_digit(c->s[c->i]))
			c->i++;
	if (c->i < c->len && c->s[c->i] == '.') {
		c->i++;
		if (c->i >= c->len || !is_digit(c->s[c->i]))
			return -1;
		while (c->i < c->len && is_digit(c->s[c->i]))
			c->i++;
	}
	if (c->i < c->len && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
		c->i++;
		if (c->i < c->len && (c->s[c->i] == '+' || c->s[c->i] == '-'))
			c->i++;
		if (c->i >= c->len || !is_digit(c->s[c->i]))
			return -1;
		while (c->i < c->len && is_digit(c->s[c->i]))
			c->i++;
	}
	return 0;
}

/* Strings: escapes checked, control bytes refused, UTF-8 checked. */
static int string(struct cursor *c)
{
	if (c->i >= c->len || c->s[c->i] != '"')
		return -1;
	c->i++;
	while (c->i < c->len) {
		unsigned char ch = (unsigned char)c->s[c->i];
		if (ch == '"') {
			c->i++;
			return 0;
		}
		if (ch < 0x20)
			return -1;
		if (ch == '\\') {
			c->i++;
			if (c->i >= c->len)
				return -1;
			if (c->s[c->i] == 'u') {
				for (int k = 1; k <= 4; k++)
					if (c->i + k >= c->len || !strchr("0123456789abcdefABCDEF", c->s[c->i + k]) ||
					    !c->s[c->i + k])
						return -1;
				c->i += 5;
				continue;
			}
			if (!c->s[c->i] || !strchr("\"\\/bfnrt", c->s[c->i]))
				return -1;
			c->i++;
			continue;
		}
		if (ch >= 0x80) {
			size_t n = (ch & 0xe0) == 0xc0 ? 2 : (ch & 0xf0) == 0xe0 ? 3 : (ch & 0xf8) == 0xf0 ? 4 : 0;
			if (!n || c->i + n > c->len)
				return -1;
			for (size_t k = 1; k < n; k++)
				if (((unsigned char)c->s[c->i + k] & 0xc0) != 0x80)
					return -1;
			c->i += n;
			continue;
		}
		c->i++;
	}
	return -1;
}

static int members(struct cursor *c, char close, int keyed)
{
	c->i++;
	if (++c->depth > 64)
		return -1;
	blanks(c);
	if (c->i < c->len && c->s[c->i] == close) {
		c->i++;
		c->depth--;
		return 0;
	}
	for (;;) {
		blanks(c);
		if (keyed) {
			if (string(c) < 0)
				return -1;
			blanks(c);
			if (c->i >= c->len || c->s[c->i] != ':')
				return -1;
			c->i++;
		}
		if (value(c) < 0)
			return -1;
		blanks(c);
		if (c->i < c->len && c->s[c->i] == ',') {
			c->i++;
			continue;
		}
		if (c->i < c->len && c->s[c->i] == close) {
			c->i++;
			c->depth--;
			return 0;
		}
		return -1;
	}
}

static int value(struct cursor *c)
{
	blanks(c);
	if (c->i >= c->len)
		return -1;
	switch (c->s[c->i]) {
	case '{': return members(c, '}', 1);
	case '[': return members(c, ']', 0);
	case '"': return string(c);
	case 't': return literal(c, "true");
	case 'f': return literal(c, "false");
	case 'n': return literal(c, "null");
	default: return number(c);
	}
}

int json_check(const char *text, size_t len, size_t *where)
{
	struct cursor c = { .s = text, .len = len };

	if (value(&c) == 0) {
		blanks(&c);
		if (c.i == c.len)
			return 0;
	}
	if (where)
		*where = c.i;
	return -1;
}
