/* target: a CPU behind QEMU's gdbstub. Registers (layout from target.xml,
 * never from the ELF), memory, breakpoints, stepping and continuing, stop
 * replies. Follows the QEMU 7.2 facts in docs/ringdb.md: acks stay on, `?`
 * only at connect, no `k` ever, `m` capped at 2048 bytes, Qqemu.sstep set
 * so single steps skip interrupts. */
#ifndef RINGDB_TARGET_H
#define RINGDB_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "rsp.h"

#define TARGET_MAX_REGS 128
#define TARGET_G_MAX 2048
/* QEMU answers E22 to an `m` longer than MAX_PACKET_LENGTH/2. */
#define TARGET_MEM_CHUNK 2048

struct reg_desc {
	char name[24];
	int regnum;
	int bits;
	int offset; /* byte offset in the `g` reply */
	char type[24];
};

enum stop_kind {
	STOP_NONE,
	STOP_SIGNAL,     /* T/S packet: breakpoint, step done, interrupt */
	STOP_WATCH,      /* T packet with watch/rwatch/awatch */
	STOP_EXITED,     /* W: QEMU is exiting */
	STOP_TERMINATED, /* X */
};

struct stop_reply {
	enum stop_kind kind;
	int signal;      /* 5 SIGTRAP, 2 SIGINT after 0x03, 3 shutdown */
	int thread;
	uint64_t watch_addr;
	char watch_type[8];
	int exit_status;
};

enum {
	TARGET_OK = 0,
	TARGET_ERR = -10,      /* the stub answered Exx; see target->error */
	TARGET_UNMAPPED = -11, /* E14: no mapping at that virtual address */
	TARGET_UNSUPPORTED = -12,
	TARGET_DEAD = -13,     /* the connection is gone */
	TARGET_RUNNING = -14,  /* still running after the timeout */
};

enum bp_type { BP_SOFTWARE = 0, BP_HARDWARE = 1, WP_WRITE = 2, WP_READ = 3, WP_ACCESS = 4 };

struct target {
	struct transport transport;
	struct rsp_conn conn;
	bool connected;
	bool running;
	char arch[32];
	struct reg_desc regs[TARGET_MAX_REGS];
	int nregs;
	int g_size;
	unsigned char g[TARGET_G_MAX];
	bool g_valid;
	int timeout_ms;   /* for ordinary request/reply */
	char error[256];
	struct stop_reply last_stop;
	char features[512];
	unsigned long round_trips;
};

void target_init(struct target *t);
/* Open WHERE (see transport_open) and run the connect sequence. */
int target_connect(struct target *t, const char *where);
/* The connect sequence on an already open transport (tests). */
int target_handshake(struct target *t);
void target_close(struct target *t);

/* Parse a target description; exported for unit tests. Returns regs found. */
int target_parse_xml_regs(struct target *t, const char *xml);
int target_parse_stop(const char *payload, struct stop_reply *out);

int target_read_registers(struct target *t);
const struct reg_desc *target_find_reg(const struct target *t, const char *name);
/* Value of a register from the last `g` (little-endian, up to 64 bits). */
bool target_reg_value(const struct target *t, const char *name, uint64_t *value);
uint64_t target_pc(const struct target *t);
int target_write_register(struct target *t, const char *name, uint64_t value);

int target_read_memory(struct target *t, uint64_t addr, void *buf, size_t len);
int target_write_memory(struct target *t, uint64_t addr, const void *buf, size_t len);

int target_insert_bp(struct target *t, enum bp_type type, uint64_t addr, int kind);
int target_remove_bp(struct target *t, enum bp_type type, uint64_t addr, int kind);

/* Resume: `s` or `c`. target_wait waits up to TIMEOUT_MS for the stop
 * reply; TARGET_RUNNING when none came (the caller may interrupt). */
int target_resume(struct target *t, bool step);
int target_wait(struct target *t, struct stop_reply *stop, int timeout_ms);
/* Send 0x03 and wait for the stop it causes. */
int target_interrupt(struct target *t, struct stop_reply *stop);
/* One instruction, with a timeout and an interrupt if it never ends. */
int target_stepi(struct target *t, struct stop_reply *stop);
/* `D`: detach, leaving QEMU running (never `k`: that kills QEMU). */
void target_detach(struct target *t);

#endif
