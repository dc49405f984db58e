/* target: register/memory/breakpoint/execution operations over RSP. */
#include "target.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLY_MAX (RSP_MAX_PAYLOAD + 1)

static char reply[REPLY_MAX];

void target_init(struct target *t)
{
	memset(t, 0, sizeof *t);
	t->transport.fd = -1;
	t->timeout_ms = 5000;
	rsp_conn_init(&t->conn, &t->transport);
}

static int fail(struct target *t, int code, const char *what)
{
	if (code == RSP_CLOSED) {
		t->connected = false;
		snprintf(t->error, sizeof t->error, "%.60s: %.180s", what, rsp_strerror(code));
		return TARGET_DEAD;
	}
	if (code == RSP_PROTOCOL && t->conn.error[0])
		snprintf(t->error, sizeof t->error, "%.60s: %.180s", what, t->conn.error);
	else
		snprintf(t->error, sizeof t->error, "%.60s: %.180s", what, rsp_strerror(code));
	return TARGET_ERR;
}

/* One request/reply round trip. Returns TARGET_OK with the reply in the
 * static buffer, or an error with t->error set. */
static int request(struct target *t, const char *packet)
{
	if (!t->connected) {
		snprintf(t->error, sizeof t->error, "not connected to QEMU");
		return TARGET_DEAD;
	}
	if (t->running) {
		snprintf(t->error, sizeof t->error, "the CPU is running: interrupt it first (Ctrl-C)");
		return TARGET_RUNNING;
	}
	t->round_trips++;
	int rc = rsp_command(&t->conn, packet, reply, sizeof reply, t->timeout_ms);
	if (rc)
		return fail(t, rc, packet);
	return TARGET_OK;
}

/* Exx replies. QEMU writes errno in decimal digits: "E14" (EFAULT) on `m`
 * means no mapping at that virtual address. */
static int check_reply_error(struct target *t, const char *what)
{
	if (reply[0] == 'E' && strlen(reply) == 3 && rsp_hexval(reply[1]) >= 0 && rsp_hexval(reply[2]) >= 0) {
		if (strcmp(reply, "E14") == 0)
			snprintf(t->error, sizeof t->error, "%s: address not mapped", what);
		else
			snprintf(t->error, sizeof t->error, "%.80s: the gdbstub answered %.8s", what, reply);
		return strcmp(reply, "E14") == 0 ? TARGET_UNMAPPED : TARGET_ERR;
	}
	return TARGET_OK;
}

static const char *xml_attr(const char *tag, const char *end, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);
	for (const char *p = tag; p && p < end; p++) {
		if (strncmp(p, name, n) == 0 && p[n] == '=' && (p[n + 1] == '"' || p[n + 1] == '\'') &&
		    (p == tag || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n')) {
			char quote = p[n + 1];
			const char *v = p + n + 2;
			const char *q = memchr(v, quote, (size_t)(end - v));
			if (!q)
				return NULL;
			size_t len = (size_t)(q - v);
			if (len >= cap)
				len = cap - 1;
			memcpy(out, v, len);
			out[len] = '\0';
			return out;
		}
	}
	return NULL;
}

/* Blank out <!-- ... --> in place: QEMU's XML comments out registers. */
static void strip_xml_comments(char *xml)
{
	char *p = xml;
	while ((p = strstr(p, "<!--")) != NULL) {
		char *end = strstr(p + 4, "-->");
		char *stop = end ? end + 3 : p + strlen(p);
		memset(p, ' ', (size_t)(stop - p));
		p = stop;
	}
}

int target_parse_xml_regs(struct target *t, const char *text)
{
	int found = 0;
	char *xml = strdup(text);
	if (!xml)
		return 0;
	strip_xml_comments(xml);
	const char *p = xml;
	while ((p = strstr(p, "<reg")) != NULL) {
		if (p[4] != ' ' && p[4] != '\t' && p[4] != '\n') {
			p += 4;
			continue;
		}
		const char *end = strchr(p, '>');
		if (!end)
			break;
		char name[24], bits[16], regnum[16], type[24];
		if (!xml_attr(p, end, "name", name, sizeof name) || !xml_attr(p, end, "bitsize", bits, sizeof bits)) {
			p = end;
			continue;
		}
		if (t->nregs >= TARGET_MAX_REGS)
			break;
		struct reg_desc *r = &t->regs[t->nregs];
		int prev = t->nregs ? t->regs[t->nregs - 1].regnum : -1;
		r->regnum = xml_attr(p, end, "regnum", regnum, sizeof regnum) ? atoi(regnum) : prev + 1;
		r->bits = atoi(bits);
		snprintf(r->name, sizeof r->name, "%s", name);
		if (!xml_attr(p, end, "type", type, sizeof type))
			snprintf(type, sizeof type, "int");
		snprintf(r->type, sizeof r->type, "%s", type);
		if (r->bits <= 0 || r->bits > 512) {
			p = end;
			continue;
		}
		t->nregs++;
		found++;
		p = end;
	}
	free(xml);
	/* `g` carries registers in regnum order; offsets follow from sizes. */
	int off = 0;
	for (int i = 0; i < t->nregs; i++) {
		t->regs[i].offset = off;
		off += t->regs[i].bits / 8;
	}
	t->g_size = off;
	return found;
}

/* Fetch one annex of the target description, chunk by chunk. */
static int fetch_xml(struct target *t, const char *annex, char *out, size_t cap)
{
	size_t have = 0;
	for (;;) {
		char pkt[128];
		snprintf(pkt, sizeof pkt, "qXfer:features:read:%s:%zx,%x", annex, have, 0xffb);
		int rc = request(t, pkt);
		if (rc)
			return rc;
		char kind = reply[0];
		if (kind != 'm' && kind != 'l') {
			snprintf(t->error, sizeof t->error, "reading %s: unexpected reply '%.40s'", annex, reply);
			return TARGET_ERR;
		}
		size_t n = strlen(reply + 1);
		if (have + n + 1 > cap) {
			snprintf(t->error, sizeof t->error, "target description %s too large", annex);
			return TARGET_ERR;
		}
		memcpy(out + have, reply + 1, n);
		have += n;
		out[have] = '\0';
		if (kind == 'l' || n == 0)
			return TARGET_OK;
	}
}

static int load_description(struct target *t)
{
	static char xml[65536], sub[65536];
	int rc = fetch_xml(t, "target.xml", xml, sizeof xml);
	if (rc)
		return rc;
	char *a = strstr(xml, "<architecture>");
	if (a) {
		a += strlen("<architecture>");
		size_t n = strcspn(a, "<");
		if (n >= sizeof t->arch)
			n = sizeof t->arch - 1;
		memcpy(t->arch, a, n);
		t->arch[n] = '\0';
	}
	t->nregs = 0;
	strip_xml_comments(xml);
	target_parse_xml_regs(t, xml);
	/* Registers may live in included files: fetch each in order. */
	const char *p = xml;
	while ((p = strstr(p, "<xi:include")) != NULL) {
		const char *end = strchr(p, '>');
		char href[128];
		if (!end)
			break;
		if (xml_attr(p, end, "href", href, sizeof href)) {
			rc = fetch_xml(t, href, sub, sizeof sub);
			if (rc)
				return rc;
			target_parse_xml_regs(t, sub);
		}
		p = end;
	}
	if (t->nregs == 0 || t->g_size > TARGET_G_MAX) {
		snprintf(t->error, sizeof t->error, "target description has %d registers, %d bytes: cannot use it",
			 t->nregs, t->g_size);
		return TARGET_ERR;
	}
	return TARGET_OK;
}

int target_handshake(struct target *t)
{
	t->connected = true;
	int rc = request(t, "qSupported:xmlRegisters=i386");
	if (rc)
		return rc;
	snprintf(t->features, sizeof t->features, "%.500s", reply);
	if (!strstr(reply, "qXfer:features:read+")) {
		snprintf(t->error, sizeof t->error, "the gdbstub offers no target description (qXfer:features:read); is this QEMU?");
		return TARGET_UNSUPPORTED;
	}
	/* `?` makes QEMU drop every breakpoint, so it is sent here only. */
	if ((rc = request(t, "?")))
		return rc;
	target_parse_stop(reply, &t->last_stop);
	if ((rc = load_description(t)))
		return rc;
	/* sstep and PhyMemMode are global in QEMU and survive reconnects.
	 * ENABLE|NOIRQ|NOTIMER: a single step does not wander into the
	 * timer interrupt. */
	if ((rc = request(t, "Qqemu.sstep=7")))
		return rc;
	if ((rc = request(t, "Qqemu.PhyMemMode:0")))
		return rc;
	return target_read_registers(t);
}

int target_connect(struct target *t, const char *where)
{
	if (transport_open(&t->transport, where, t->error, sizeof t->error) < 0)
		return TARGET_DEAD;
	/* Keep a transcript log the caller set before connecting. */
	FILE *log = t->conn.log;
	rsp_conn_init(&t->conn, &t->transport);
	t->conn.log = log;
	return target_handshake(t);
}

void target_close(struct target *t)
{
	transport_close(&t->transport);
	t->connected = false;
	t->running = false;
}

void target_detach(struct target *t)
{
	if (t->connected && !t->running)
		rsp_command(&t->conn, "D", reply, sizeof reply, 1000);
	target_close(t);
}

int target_parse_stop(const char *s, struct stop_reply *out)
{
	memset(out, 0, sizeof *out);
	if ((s[0] == 'T' || s[0] == 'S') && rsp_hexval(s[1]) >= 0 && rsp_hexval(s[2]) >= 0) {
		out->kind = STOP_SIGNAL;
		out->signal = rsp_hexval(s[1]) * 16 + rsp_hexval(s[2]);
		const char *p = s + 3;
		while (s[0] == 'T' && *p) {
			const char *colon = strchr(p, ':');
			const char *semi = strchr(p, ';');
			if (!colon || (semi && semi < colon))
				break;
			size_t klen = (size_t)(colon - p);
			const char *v = colon + 1;
			if (klen == 6 && strncmp(p, "thread", 6) == 0) {
				out->thread = (int)strtol(v, NULL, 16);
			} else if ((klen == 5 && strncmp(p, "watch", 5) == 0) ||
				   (klen == 6 && (strncmp(p, "rwatch", 6) == 0 || strncmp(p, "awatch", 6) == 0))) {
				out->kind = STOP_WATCH;
				out->watch_addr = strtoull(v, NULL, 16);
				snprintf(out->watch_type, sizeof out->watch_type, "%.*s", (int)klen, p);
			}
			if (!semi)
				break;
			p = semi + 1;
		}
		return 0;
	}
	if ((s[0] == 'W' || s[0] == 'X') && rsp_hexval(s[1]) >= 0) {
		out->kind = s[0] == 'W' ? STOP_EXITED : STOP_TERMINATED;
		out->exit_status = (int)strtol(s + 1, NULL, 16);
		return 0;
	}
	return -1;
}

int target_read_registers(struct target *t)
{
	int rc = request(t, "g");
	if (rc)
		return rc;
	if ((rc = check_reply_error(t, "reading registers")))
		return rc;
	size_t n = strlen(reply);
	/* QEMU may send x for unavailable bytes: read them as zero. */
	for (size_t i = 0; i < n; i++)
		if (reply[i] == 'x')
			reply[i] = '0';
	if (n / 2 < (size_t)t->g_size) {
		snprintf(t->error, sizeof t->error, "g reply has %zu bytes, the target description says %d",
			 n / 2, t->g_size);
		return TARGET_ERR;
	}
	if (rsp_hex_decode(reply, (size_t)t->g_size * 2, t->g, sizeof t->g) < 0) {
		snprintf(t->error, sizeof t->error, "g reply is not hex");
		return TARGET_ERR;
	}
	t->g_valid = true;
	return TARGET_OK;
}

const struct reg_desc *target_find_reg(const struct target *t, const char *name)
{
	for (int i = 0; i < t->nregs; i++)
		if (strcmp(t->regs[i].name, name) == 0)
			return &t->regs[i];
	return NULL;
}

bool target_reg_value(const struct target *t, const char *name, uint64_t *value)
{
	const struct reg_desc *r = target_find_reg(t, name);
	if (!r || !t->g_valid)
		return false;
	int bytes = r->bits / 8;
	if (bytes > 8)
		bytes = 8;
	uint64_t v = 0;
	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | t->g[r->offset + i];
	*value = v;
	return true;
}

uint64_t target_pc(const struct target *t)
{
	uint64_t pc = 0;
	if (!target_reg_value(t, "rip", &pc))
		target_reg_value(t, "eip", &pc);
	return pc;
}

int target_write_register(struct target *t, const char *name, uint64_t value)
{
	const struct reg_desc *r = target_find_reg(t, name);
	if (!r) {
		snprintf(t->error, sizeof t->error, "no register named '%s'", name);
		return TARGET_ERR;
	}
	unsigned char bytes[64] = { 0 };
	int n = r->bits / 8;
	for (int i = 0; i < n && i < 8; i++)
		bytes[i] = (unsigned char)(value >> (8 * i));
	char pkt[160];
	int len = snprintf(pkt, sizeof pkt, "P%x=", r->regnum);
	rsp_hex_encode(bytes, (size_t)n, pkt + len);
	int rc = request(t, pkt);
	if (rc)
		return rc;
	if (reply[0] == '\0') {
		snprintf(t->error, sizeof t->error, "the gdbstub does not support writing %s", name);
		return TARGET_UNSUPPORTED;
	}
	if ((rc = check_reply_error(t, "writing a register")))
		return rc;
	memcpy(t->g + r->offset, bytes, (size_t)n);
	return TARGET_OK;
}

int target_read_memory(struct target *t, uint64_t addr, void *buf, size_t len)
{
	unsigned char *out = buf;
	while (len > 0) {
		size_t n = len > TARGET_MEM_CHUNK ? TARGET_MEM_CHUNK : len;
		char pkt[64];
		snprintf(pkt, sizeof pkt, "m%" PRIx64 ",%zx", addr, n);
		int rc = request(t, pkt);
		if (rc)
			return rc;
		if ((rc = check_reply_error(t, "reading memory")))
			return rc;
		size_t got = strlen(reply) / 2;
		if (got == 0 || got > n || rsp_hex_decode(reply, got * 2, out, n) < 0) {
			snprintf(t->error, sizeof t->error, "bad memory reply at %#" PRIx64, addr);
			return TARGET_ERR;
		}
		out += got;
		addr += got;
		len -= got;
	}
	return TARGET_OK;
}

int target_write_memory(struct target *t, uint64_t addr, const void *buf, size_t len)
{
	static char pkt[64 + 2 * TARGET_MEM_CHUNK];
	const unsigned char *in = buf;
	while (len > 0) {
		/* QEMU 7.2 has no `X`: hex `M` it is. */
		size_t n = len > TARGET_MEM_CHUNK / 2 ? TARGET_MEM_CHUNK / 2 : len;
		int hdr = snprintf(pkt, 64, "M%" PRIx64 ",%zx:", addr, n);
		rsp_hex_encode(in, n, pkt + hdr);
		int rc = request(t, pkt);
		if (rc)
			return rc;
		if ((rc = check_reply_error(t, "writing memory")))
			return rc;
		in += n;
		addr += n;
		len -= n;
	}
	return TARGET_OK;
}

static int bp_packet(struct target *t, char op, enum bp_type type, uint64_t addr, int kind)
{
	char pkt[64];
	snprintf(pkt, sizeof pkt, "%c%d,%" PRIx64 ",%x", op, (int)type, addr, kind);
	int rc = request(t, pkt);
	if (rc)
		return rc;
	if (reply[0] == '\0') {
		snprintf(t->error, sizeof t->error, "the gdbstub does not support %s type %d",
			 op == 'Z' ? "inserting" : "removing", (int)type);
		return TARGET_UNSUPPORTED;
	}
	return check_reply_error(t, op == 'Z' ? "inserting a breakpoint" : "removing a breakpoint");
}

int target_insert_bp(struct target *t, enum bp_type type, uint64_t addr, int kind)
{
	return bp_packet(t, 'Z', type, addr, kind);
}

int target_remove_bp(struct target *t, enum bp_type type, uint64_t addr, int kind)
{
	return bp_packet(t, 'z', type, addr, kind);
}

/* Let the stopped target run (s/c). The stop reply is read by
 * target_wait. Going backwards does not use QEMU's bs/bc (unreliable in
 * QEMU 7.2): ringdb replays again to an earlier instruction count. */
int target_resume(struct target *t, bool step)
{
	if (!t->connected) {
		snprintf(t->error, sizeof t->error, "not connected to QEMU");
		return TARGET_DEAD;
	}
	if (t->running)
		return TARGET_OK;
	t->round_trips++;
	int rc = rsp_send(&t->conn, step ? "s" : "c", t->timeout_ms);
	if (rc)
		return fail(t, rc, step ? "step" : "continue");
	t->running = true;
	t->g_valid = false;
	return TARGET_OK;
}

int target_wait(struct target *t, struct stop_reply *stop, int timeout_ms)
{
	if (!t->running)
		return TARGET_OK;
	for (;;) {
		int rc = rsp_recv(&t->conn, reply, sizeof reply, NULL, timeout_ms);
		if (rc == RSP_TIMEOUT)
			return TARGET_RUNNING;
		if (rc) {
			t->running = false;
			return fail(t, rc, "waiting for the CPU to stop");
		}
		if (reply[0] == '\0' || (reply[0] == 'E' && strlen(reply) == 3)) {
			/* The resume was refused: an empty packet says the
			 * stub does not know it, an Exx that it failed. */
			t->running = false;
			snprintf(t->error, sizeof t->error, "%s", !reply[0] ?
				 "QEMU does not support that resume packet (empty reply)" :
				 "QEMU refused to run (error reply)");
			return reply[0] ? TARGET_ERR : TARGET_UNSUPPORTED;
		}
		struct stop_reply s;
		if (target_parse_stop(reply, &s) < 0)
			continue; /* e.g. an `O` console packet */
		t->running = false;
		t->last_stop = s;
		if (stop)
			*stop = s;
		if (s.kind == STOP_EXITED || s.kind == STOP_TERMINATED) {
			t->connected = false;
			snprintf(t->error, sizeof t->error, "QEMU exited (status %d)", s.exit_status);
			return TARGET_DEAD;
		}
		return target_read_registers(t);
	}
}

int target_interrupt(struct target *t, struct stop_reply *stop)
{
	if (!t->running)
		return TARGET_OK;
	int rc = rsp_interrupt(&t->conn);
	if (rc)
		return fail(t, rc, "interrupt");
	/* If a breakpoint raced the 0x03 there is still exactly one reply. */
	rc = target_wait(t, stop, t->timeout_ms);
	if (rc == TARGET_RUNNING) {
		snprintf(t->error, sizeof t->error, "the CPU did not stop after an interrupt");
		return TARGET_ERR;
	}
	return rc;
}

int target_stepi(struct target *t, struct stop_reply *stop)
{
	int rc = target_resume(t, true);
	if (rc)
		return rc;
	rc = target_wait(t, stop, t->timeout_ms);
	if (rc == TARGET_RUNNING) {
		/* With interrupts masked a step over `hlt` never ends. */
		rc = target_interrupt(t, stop);
		if (rc == TARGET_OK) {
			snprintf(t->error, sizeof t->error, "the step did not finish (hlt?); interrupted");
			return TARGET_RUNNING;
		}
	}
	return rc;
}
