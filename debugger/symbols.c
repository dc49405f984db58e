/* symbols: ELF symbol table via libelf, lines and types via libdw. */
#include "symbols.h"

#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int by_address(const void *a, const void *b)
{
	const struct symbol *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* At one address, functions and globals sort last so sym_at picks them. */
	int rx = x->is_function * 2 + x->is_global, ry = y->is_function * 2 + y->is_global;
	return rx - ry;
}

static void load_symtab(struct symbols *s)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(s->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		size_t n = sh.sh_size / sh.sh_entsize;
		s->syms = realloc(s->syms, sizeof *s->syms * (s->nsyms + n));
		for (size_t i = 0; i < n; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(data, (int)i, &sym))
				continue;
			int type = GELF_ST_TYPE(sym.st_info);
			if (type == STT_SECTION || type == STT_FILE || sym.st_shndx == SHN_UNDEF)
				continue;
			const char *name = elf_strptr(s->elf, sh.sh_link, sym.st_name);
			if (!name || !*name || strncmp(name, ".L", 2) == 0)
				continue;
			struct symbol *out = &s->syms[s->nsyms++];
			out->name = strdup(name);
			out->addr = sym.st_value;
			out->size = sym.st_size;
			out->is_function = type == STT_FUNC;
			out->is_global = GELF_ST_BIND(sym.st_info) != STB_LOCAL;
		}
	}
	qsort(s->syms, s->nsyms, sizeof *s->syms, by_address);
}

struct symbols *symbols_open(const char *path, char *err, size_t errlen)
{
	elf_version(EV_CURRENT);
	struct symbols *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	snprintf(s->path, sizeof s->path, "%s", path);
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s (build it with `make`?)", path, strerror(errno));
		free(s);
		return NULL;
	}
	s->elf = elf_begin(s->fd, ELF_C_READ, NULL);
	if (!s->elf || elf_kind(s->elf) != ELF_K_ELF) {
		snprintf(err, errlen, "%s is not an ELF file", path);
		symbols_close(s);
		return NULL;
	}
	load_symtab(s);
	s->dwarf = dwarf_begin_elf(s->elf, DWARF_C_READ, NULL);
	if (!s->dwarf)
		snprintf(s->warning, sizeof s->warning,
			 "%s has no DWARF debug info: ELF symbols only (no source lines, no struct layouts); rebuild with -g",
			 path);
	if (s->nsyms == 0 && !s->dwarf) {
		snprintf(err, errlen, "%s has neither symbols nor debug info (stripped?)", path);
		symbols_close(s);
		return NULL;
	}
	return s;
}

void symbols_close(struct symbols *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nsyms; i++)
		free(s->syms[i].name);
	free(s->syms);
	for (int i = 0; i < s->src_nlines; i++)
		free(s->src_lines[i]);
	free(s->src_lines);
	if (s->dwarf)
		dwarf_end(s->dwarf);
	if (s->elf)
		elf_end(s->elf);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

const struct symbol *sym_lookup(const struct symbols *s, const char *name)
{
	const struct symbol *best = NULL;
	for (size_t i = 0; s && i < s->nsyms; i++) {
		if (strcmp(s->syms[i].name, name) != 0)
			continue;
		if (!best || (s->syms[i].is_global && !best->is_global))
			best = &s->syms[i];
	}
	return best;
}

const struct symbol *sym_at(const struct symbols *s, uint64_t addr, uint64_t *offset)
{
	if (!s || s->nsyms == 0 || addr < s->syms[0].addr)
		return NULL;
	size_t lo = 0, hi = s->nsyms;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (s->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	const struct symbol *sym = &s->syms[lo];
	/* Objects (data) only count inside their size. */
	if (!sym->is_function && sym->size && addr >= sym->addr + sym->size) {
		/* fall back to the nearest function before */
		for (size_t i = lo + 1; i-- > 0;)
			if (s->syms[i].is_function || s->syms[i].size == 0) {
				sym = &s->syms[i];
				break;
			}
	}
	if (offset)
		*offset = addr - sym->addr;
	return sym;
}

static bool cu_of(struct symbols *s, uint64_t addr, Dwarf_Die *cu)
{
	if (!s->dwarf)
		return false;
	if (dwarf_addrdie(s->dwarf, addr, cu))
		return true;
	/* libdw 0.188 needs .debug_aranges for the above; walk CUs instead. */
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(s->dwarf, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		if (dwarf_offdie(s->dwarf, off + hsize, cu) && dwarf_haspc(cu, addr) > 0)
			return true;
		off = next;
	}
	return false;
}

static bool find_subprogram(Dwarf_Die *parent, uint64_t addr, Dwarf_Die *out)
{
	Dwarf_Die child;
	if (dwarf_child(parent, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) == DW_TAG_subprogram) {
			Dwarf_Addr low;
			if (dwarf_lowpc(&child, &low) == 0 && low == addr) {
				*out = child;
				return true;
			}
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

bool sym_func_param(struct symbols *s, uint64_t func_addr, int n, char *name, size_t cap, Dwarf_Die *type)
{
	Dwarf_Die cu, fn, child;
	if (!cu_of(s, func_addr, &cu) || !find_subprogram(&cu, func_addr, &fn))
		return false;
	/* An out-of-line copy of an inline function names its parameters
	 * through DW_AT_abstract_origin. */
	if (dwarf_child(&fn, &child) != 0)
		return false;
	int i = 0;
	do {
		if (dwarf_tag(&child) != DW_TAG_formal_parameter)
			continue;
		if (i++ != n)
			continue;
		Dwarf_Attribute a;
		Dwarf_Die origin, *die = &child;
		if (dwarf_attr(&child, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &origin))
			die = &origin;
		const char *nm = dwarf_diename(die);
		snprintf(name, cap, "%s", nm ? nm : "?");
		return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, type);
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

bool sym_local(struct symbols *s, uint64_t pc, const char *name, Dwarf_Die *var, Dwarf_Die *func)
{
	Dwarf_Die cu, *scopes = NULL;
	if (!cu_of(s, pc, &cu))
		return false;
	int n = dwarf_getscopes(&cu, pc, &scopes);
	bool found = false;
	for (int i = 0; i < n && !found; i++) {
		Dwarf_Die child;
		/* Function and block scopes only: the CU's own variables are
		 * globals (sym_variable), often declarations without a place. */
		int stag = dwarf_tag(&scopes[i]);
		if (stag == DW_TAG_compile_unit || stag == DW_TAG_partial_unit)
			break;
		if (dwarf_child(&scopes[i], &child) != 0)
			continue;
		do {
			int tag = dwarf_tag(&child);
			if (tag != DW_TAG_formal_parameter && tag != DW_TAG_variable)
				continue;
			Dwarf_Attribute a;
			const char *nm = dwarf_formstring(dwarf_attr_integrate(&child, DW_AT_name, &a));
			if (nm && strcmp(nm, name) == 0 && !dwarf_hasattr(&child, DW_AT_declaration)) {
				*var = child;
				found = true;
				/* The frame: the nearest enclosing subprogram that is
				 * not inlined into another. */
				*func = scopes[n - 1];
				for (int j = i; j < n; j++)
					if (dwarf_tag(&scopes[j]) == DW_TAG_subprogram) {
						*func = scopes[j];
						break;
					}
				break;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	free(scopes);
	return found;
}

bool sym_cfa_ops(struct symbols *s, uint64_t pc, Dwarf_Op **ops, size_t *nops)
{
	Dwarf_CFI *cfi = s->dwarf ? dwarf_getcfi(s->dwarf) : NULL;
	if (!cfi && s->elf)
		cfi = dwarf_getcfi_elf(s->elf);
	Dwarf_Frame *frame = NULL;
	if (!cfi || dwarf_cfi_addrframe(cfi, pc, &frame) != 0)
		return false;
	/* The ops live in the frame, which libdw wants freed: copy them. */
	Dwarf_Op *o = NULL;
	size_t n = 0;
	bool ok = dwarf_frame_cfa(frame, &o, &n) == 0 && n > 0 && n <= 8;
	static Dwarf_Op copy[8];
	if (ok) {
		memcpy(copy, o, n * sizeof *o);
		*ops = copy;
		*nops = n;
	}
	free(frame);
	return ok;
}

bool sym_is_pointer_to(Dwarf_Die *type, const char *struct_name)
{
	Dwarf_Die t, pointee;
	Dwarf_Attribute a;
	if (!sym_peel(type, &t) || dwarf_tag(&t) != DW_TAG_pointer_type)
		return false;
	if (!dwarf_attr(&t, DW_AT_type, &a) || !dwarf_formref_die(&a, &pointee) || !sym_peel(&pointee, &t))
		return false;
	const char *nm = dwarf_diename(&t);
	return dwarf_tag(&t) == DW_TAG_structure_type && nm && strcmp(nm, struct_name) == 0;
}

bool sym_line_at(struct symbols *s, uint64_t addr, const char **file, int *line)
{
	Dwarf_Die cu;
	if (!cu_of(s, addr, &cu))
		return false;
	Dwarf_Line *l = dwarf_getsrc_die(&cu, addr);
	if (!l || dwarf_lineno(l, line) != 0)
		return false;
	*file = dwarf_linesrc(l, NULL, NULL);
	return *file != NULL;
}

bool sym_line_addr(struct symbols *s, const char *file, int line, uint64_t *addr, int *actual_line)
{
	if (!s->dwarf)
		return false;
	Dwarf_Line **lines = NULL;
	size_t n = 0;
	if (dwarf_getsrc_file(s->dwarf, file, line, 0, &lines, &n) != 0 || n == 0)
		return false;
	bool found = false;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Addr a;
		int l;
		bool stmt = false;
		dwarf_linebeginstatement(lines[i], &stmt);
		if (dwarf_lineaddr(lines[i], &a) != 0 || !stmt)
			continue;
		dwarf_lineno(lines[i], &l);
		if (!found || a < *addr) {
			*addr = a;
			if (actual_line)
				*actual_line = l;
			found = true;
		}
	}
	free(lines);
	return found;
}

const char *sym_source_line(struct symbols *s, const char *file, int line, int *nlines)
{
	if (!file)
		return NULL;
	if (strcmp(file, s->src_path) != 0) {
		for (int i = 0; i < s->src_nlines; i++)
			free(s->src_lines[i]);
		free(s->src_lines);
		s->src_lines = NULL;
		s->src_nlines = 0;
		snprintf(s->src_path, sizeof s->src_path, "%s", file);
		FILE *f = fopen(file, "r");
		if (f) {
			char *buf = NULL;
			size_t cap = 0;
			ssize_t len;
			while ((len = getline(&buf, &cap, f)) >= 0) {
				if (len > 0 && buf[len - 1] == '\n')
					buf[len - 1] = '\0';
				/* Tabs become spaces so columns line up on screen. */
				char expanded[1024];
				size_t o = 0;
				for (char *p = buf; *p && o < sizeof expanded - 9; p++) {
					if (*p == '\t')
						do expanded[o++] = ' '; while (o % 8);
					else
						expanded[o++] = *p;
				}
				expanded[o] = '\0';
				s->src_lines = realloc(s->src_lines, sizeof *s->src_lines * (size_t)(s->src_nlines + 1));
				s->src_lines[s->src_nlines++] = strdup(expanded);
			}
			free(buf);
			fclose(f);
		}
	}
	if (nlines)
		*nlines = s->src_nlines;
	if (line < 1 || line > s->src_nlines)
		return NULL;
	return s->src_lines[line - 1];
}

/* Visit top-level DIEs of every CU until FN returns true. */
static bool each_top_die(struct symbols *s, bool (*fn)(Dwarf_Die *, void *), void *arg)
{
	if (!s->dwarf)
		return false;
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(s->dwarf, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, child;
		if (dwarf_offdie(s->dwarf, off + hsize, &cu) && dwarf_child(&cu, &child) == 0) {
			do {
				if (fn(&child, arg))
					return true;
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		off = next;
	}
	return false;
}

struct find_arg {
	const char *name;
	int tag;
	Dwarf_Die *out;
};

static bool match_named(Dwarf_Die *die, void *arg)
{
	struct find_arg *a = arg;
	if (dwarf_tag(die) != a->tag || dwarf_hasattr(die, DW_AT_declaration))
		return false;
	const char *n = dwarf_diename(die);
	if (!n || strcmp(n, a->name) != 0)
		return false;
	*a->out = *die;
	return true;
}

bool sym_find_struct(struct symbols *s, const char *name, Dwarf_Die *out)
{
	struct find_arg a = { name, DW_TAG_structure_type, out };
	return each_top_die(s, match_named, &a);
}

bool sym_peel(Dwarf_Die *type, Dwarf_Die *out)
{
	Dwarf_Die cur = *type;
	for (int depth = 0; depth < 16; depth++) {
		int tag = dwarf_tag(&cur);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type &&
		    tag != DW_TAG_restrict_type) {
			*out = cur;
			return true;
		}
		Dwarf_Attribute at;
		if (!dwarf_attr_integrate(&cur, DW_AT_type, &at) || !dwarf_formref_die(&at, &cur))
			return false; /* e.g. const void */
	}
	return false;
}

long sym_type_size(Dwarf_Die *type)
{
	Dwarf_Die t;
	if (!sym_peel(type, &t))
		return -1;
	if (dwarf_tag(&t) == DW_TAG_pointer_type)
		return 8;
	Dwarf_Word size;
	if (dwarf_aggregate_size(&t, &size) == 0)
		return (long)size;
	return -1;
}

static bool member_offset(Dwarf_Die *m, long *offset)
{
	Dwarf_Attribute at;
	Dwarf_Word v;
	if (!dwarf_attr_integrate(m, DW_AT_data_member_location, &at)) {
		*offset = 0; /* union members */
		return true;
	}
	if (dwarf_formudata(&at, &v) == 0) {
		*offset = (long)v;
		return true;
	}
	Dwarf_Op *ops;
	size_t nops;
	if (dwarf_getlocation(&at, &ops, &nops) == 0 && nops == 1 && ops[0].atom == DW_OP_plus_uconst) {
		*offset = (long)ops[0].number;
		return true;
	}
	return false;
}

bool sym_type_member(Dwarf_Die *structure, const char *member, long *offset, Dwarf_Die *type)
{
	Dwarf_Die st, child;
	if (!sym_peel(structure, &st) || dwarf_child(&st, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		const char *n = dwarf_diename(&child);
		if (!n) {
			/* An anonymous struct/union member: look inside. */
			Dwarf_Attribute at;
			Dwarf_Die inner;
			long base, sub;
			if (dwarf_attr_integrate(&child, DW_AT_type, &at) && dwarf_formref_die(&at, &inner) &&
			    member_offset(&child, &base) && sym_type_member(&inner, member, &sub, type)) {
				*offset = base + sub;
				return true;
			}
			continue;
		}
		if (strcmp(n, member) != 0)
			continue;
		Dwarf_Attribute at;
		if (!member_offset(&child, offset) || !dwarf_attr_integrate(&child, DW_AT_type, &at) ||
		    !dwarf_formref_die(&at, type))
			return false;
		return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

int sym_struct_members(Dwarf_Die *structure, const char **names, long *offsets, Dwarf_Die *types, int max)
{
	Dwarf_Die st, child;
	int n = 0;
	if (!sym_peel(structure, &st) || dwarf_child(&st, &child) != 0)
		return 0;
	do {
		if (dwarf_tag(&child) != DW_TAG_member || n >= max)
			continue;
		Dwarf_Attribute at;
		names[n] = dwarf_diename(&child);
		if (!names[n] || !member_offset(&child, &offsets[n]) ||
		    !dwarf_attr_integrate(&child, DW_AT_type, &at) || !dwarf_formref_die(&at, &types[n]))
			continue;
		n++;
	} while (dwarf_siblingof(&child, &child) == 0);
	return n;
}

bool sym_member(struct symbols *s, const char *struct_name, const char *member, long *offset, long *size)
{
	Dwarf_Die st, type;
	if (!sym_find_struct(s, struct_name, &st) || !sym_type_member(&st, member, offset, &type))
		return false;
	if (size)
		*size = sym_type_size(&type);
	return true;
}

long sym_struct_size(struct symbols *s, const char *name)
{
	Dwarf_Die st;
	if (!sym_find_struct(s, name, &st))
		return -1;
	return sym_type_size(&st);
}

struct var_arg {
	const char *name;
	uint64_t addr;
	Dwarf_Die type;
	bool found;
};

static bool match_variable(Dwarf_Die *die, void *arg)
{
	struct var_arg *a = arg;
	if (dwarf_tag(die) != DW_TAG_variable)
		return false;
	const char *n = dwarf_diename(die);
	if (!n || strcmp(n, a->name) != 0)
		return false;
	Dwarf_Attribute at;
	Dwarf_Op *ops;
	size_t nops;
	if (!dwarf_attr_integrate(die, DW_AT_location, &at) || dwarf_getlocation(&at, &ops, &nops) != 0 ||
	    nops != 1 || ops[0].atom != DW_OP_addr)
		return false; /* a declaration: keep looking for the definition */
	if (!dwarf_attr_integrate(die, DW_AT_type, &at) || !dwarf_formref_die(&at, &a->type))
		return false;
	a->addr = ops[0].number;
	a->found = true;
	return true;
}

bool sym_variable(struct symbols *s, const char *name, uint64_t *addr, Dwarf_Die *type)
{
	struct var_arg a = { .name = name };
	if (!each_top_die(s, match_variable, &a))
		return false;
	*addr = a.addr;
	*type = a.type;
	return true;
}

void sym_type_name(Dwarf_Die *type, char *out, size_t cap)
{
	Dwarf_Die t = *type;
	char suffix[16] = "";
	int stars = 0;
	for (int depth = 0; depth < 16; depth++) {
		int tag = dwarf_tag(&t);
		if (tag == DW_TAG_pointer_type || tag == DW_TAG_const_type || tag == DW_TAG_volatile_type) {
			if (tag == DW_TAG_pointer_type)
				stars++;
			Dwarf_Attribute at;
			if (!dwarf_attr_integrate(&t, DW_AT_type, &at) || !dwarf_formref_die(&at, &t)) {
				snprintf(out, cap, "void %.*s", stars, "********");
				return;
			}
			continue;
		}
		if (tag == DW_TAG_array_type) {
			Dwarf_Die sub;
			Dwarf_Word count = 0;
			Dwarf_Attribute at;
			if (dwarf_child(&t, &sub) == 0 && dwarf_attr_integrate(&sub, DW_AT_upper_bound, &at) &&
			    dwarf_formudata(&at, &count) == 0)
				snprintf(suffix, sizeof suffix, "[%llu]", (unsigned long long)count + 1);
			if (!dwarf_attr_integrate(&t, DW_AT_type, &at) || !dwarf_formref_die(&at, &t))
				break;
			continue;
		}
		const char *kind = tag == DW_TAG_structure_type ? "struct " : tag == DW_TAG_union_type ? "union "
			: tag == DW_TAG_enumeration_type ? "enum " : "";
		const char *n = dwarf_diename(&t);
		snprintf(out, cap, "%s%s%s%.*s%s", kind, n ? n : "<anonymous>", stars ? " " : "", stars,
			 "********", suffix);
		return;
	}
	snprintf(out, cap, "?");
}
