#ifndef ASM_DESC_H
#define ASM_DESC_H
void gdt_init(void);
void idt_load(void);
void set_intr_gate(unsigned vector, void *handler, unsigned dpl, unsigned ist);
void load_sp0(unsigned long sp0);
void traps_init(void);
void syscall_init(void);
#endif
