#ifndef ASM_IRQ_H
#define ASM_IRQ_H
#include <asm/ptrace.h>
#define IRQ_BASE   32   /* the PIC's IRQ 0 is remapped to vector 32 */
#define IRQ_TIMER  0
#define IRQ_COM1   4
void irq_init(void);
void do_irq(struct pt_regs *regs, unsigned irq);
void serial_interrupt(void);
#endif
