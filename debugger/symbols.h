/* symbols: the kernel ELF's symbol table and DWARF (elfutils libelf/libdw):
 * names ↔ addresses, file:line ↔ addresses, struct layouts, globals and
 * their types. A kernel without DWARF still gives ELF symbols, with a
 * warning saying what is missing. */
#ifndef RINGDB_SYMBOLS_H
#define RINGDB_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>

struct symbol {
	char *name;
	uint64_t addr;
	uint64_t size;
	bool is_function;
	bool is_global;
};

struct symbols {
	int fd;
	Elf *elf;
	Dwarf *dwarf;             /* NULL without debug info */
	struct symbol *syms;      /* sorted by address */
	size_t nsyms;
	char path[512];
	char warning[256];
	/* A cache of the last source file read. */
	char src_path[512];
	char **src_lines;
	int src_nlines;
};

struct symbols *symbols_open(const char *path, char *err, size_t errlen);
void symbols_close(struct symbols *s);

const struct symbol *sym_lookup(const struct symbols *s, const char *name);
/* The symbol at or before ADDR (NULL if none); *OFFSET = ADDR - start. */
const struct symbol *sym_at(const struct symbols *s, uint64_t addr, uint64_t *offset);

/* Source position of ADDR. FILE points into libdw's storage. */
bool sym_line_at(struct symbols *s, uint64_t addr, const char **file, int *line);
/* First address of FILE:LINE (a basename matches any directory). */
bool sym_line_addr(struct symbols *s, const char *file, int line, uint64_t *addr, int *actual_line);
/* Text of line LINE of FILE (1-based), NULL when unreadable. */
const char *sym_source_line(struct symbols *s, const char *file, int line, int *nlines);

/* The function that starts at FUNC_ADDR: its Nth parameter (0-based),
 * name and type DIE. False without DWARF or when there is none. */
bool sym_func_param(struct symbols *s, uint64_t func_addr, int n, char *name, size_t cap, Dwarf_Die *type);
/* Is TYPE a pointer to struct STRUCT_NAME (typedefs and qualifiers peeled)? */
bool sym_is_pointer_to(Dwarf_Die *type, const char *struct_name);

/* A parameter or local variable NAME visible at PC (innermost scope
 * first, inlined scopes included): its DIE, and the DIE of the function
 * whose frame it lives in (for DW_AT_frame_base). */
bool sym_local(struct symbols *s, uint64_t pc, const char *name, Dwarf_Die *var, Dwarf_Die *func);
/* The CFA rule at PC from .debug_frame (or .eh_frame): DWARF ops. */
bool sym_cfa_ops(struct symbols *s, uint64_t pc, Dwarf_Op **ops, size_t *nops);

/* DWARF types. */
bool sym_find_struct(struct symbols *s, const char *name, Dwarf_Die *out);
/* Offset and byte size of MEMBER in struct NAME. */
bool sym_member(struct symbols *s, const char *struct_name, const char *member, long *offset, long *size);
long sym_struct_size(struct symbols *s, const char *name);
/* A global variable: its address and type DIE. */
bool sym_variable(struct symbols *s, const char *name, uint64_t *addr, Dwarf_Die *type);

/* Type helpers on DIEs. Peel typedefs and qualifiers. */
bool sym_peel(Dwarf_Die *type, Dwarf_Die *out);
long sym_type_size(Dwarf_Die *type);
bool sym_type_member(Dwarf_Die *structure, const char *member, long *offset, Dwarf_Die *type);
/* "unsigned long", "struct task_struct *", ... */
void sym_type_name(Dwarf_Die *type, char *out, size_t cap);
/* Member names of a struct in order (for whole-struct printing). */
int sym_struct_members(Dwarf_Die *structure, const char **names, long *offsets, Dwarf_Die *types, int max);

#endif
