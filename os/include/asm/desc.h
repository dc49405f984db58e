#ifndef ASM_DESC_H
#define ASM_DESC_H
#include <ringside/types.h>
void gdt_init(void);
void idt_load(void);
void set_intr_gate(unsigned vector, void *handler, unsigned dpl, unsigned ist);
void load_sp0(unsigned long sp0);
void load_TLS(const u64 *tls_array);
void load_gs_index(u16 sel);
void traps_init(void);
void syscall_init(void);
#endif
