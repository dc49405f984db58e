/* Number conversions and the PRNG. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* The shared core of strtol/strtoul: C's rules for spaces, sign, the 0x and 0
 * prefixes (base 0 or 16), and *end. Saturates at limit and sets ERANGE. */
static unsigned long parse_unsigned(const char *s, char **end, int base, int *negative,
				    unsigned long limit)
{
	const char *p = s, *digits;
	unsigned long value = 0;
	int overflow = 0;

	*negative = 0;
	if (base < 0 || base == 1 || base > 36) {
		errno = EINVAL;
		if (end)
			*end = (char *)s;
		return 0;
	}
	while (is_space(*p))
		p++;
	if (*p == '+' || *p == '-')
		*negative = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	digits = p;
	for (; digit_value(*p) < base; p++) {
		unsigned long d = (unsigned long)digit_value(*p);

		if (value > (limit - d) / (unsigned long)base)
			overflow = 1;
		else
			value = value * (unsigned long)base + d;
	}
	if (end)
		*end = (char *)(p == digits ? s : p);
	if (overflow) {
		errno = ERANGE;
		return limit;
	}
	return value;
}

long strtol(const char *s, char **end, int base)
{
	int negative;
	unsigned long limit = (unsigned long)LONG_MAX;
	unsigned long v;

	/* The negative range is one larger: parse against LONG_MAX + 1 first. */
	v = parse_unsigned(s, end, base, &negative, limit + 1);
	if (!negative && v > limit) {
		errno = ERANGE;
		return LONG_MAX;
	}
	if (negative)
		return v == limit + 1 ? LONG_MIN : -(long)v;
	return (long)v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	int negative;
	unsigned long v = parse_unsigned(s, end, base, &negative, ULONG_MAX);

	return negative ? -v : v;
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

void prng_seed(struct prng *rng, uint64_t seed)
{
	rng->state = seed ? seed : 0x9e3779b97f4a7c15UL;
}

uint64_t prng_next(struct prng *rng)
{
	uint64_t x = rng->state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng->state = x;
	return x * 0x2545f4914f6cdd1dUL;
}

uint64_t prng_below(struct prng *rng, uint64_t bound)
{
	return prng_next(rng) % bound;
}
