/* ringdb: a debugger for the syscall boundary, on QEMU's gdbstub.
 * Options, batch mode, and the start of a session. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "rrarchive.h"
#include "panels.h"
#include "session.h"
#include "ui.h"

enum {
	EXIT_OK = 0,
	EXIT_COMMAND_FAILED = 1, /* a batch command failed */
	EXIT_USAGE = 2,
	EXIT_NO_TARGET = 3,      /* QEMU could not be started or reached */
	EXIT_NO_SYMBOLS = 4,     /* the kernel ELF could not be read */
};


static void usage(FILE *out)
{
	fprintf(out,
		"NAME\n"
		"    ringdb - a debugger for the x86-64 syscall boundary on QEMU's gdbstub\n"
		"\n"
		"SYNOPSIS\n"
		"    ringdb --kernel FILE [--initrd FILE] [--append CMDLINE] [options]\n"
		"    ringdb --attach HOST:PORT|unix:PATH [--symbols FILE] [options]\n"
		"    ringdb --replay DIR|FILE|FILE.tar.gz [--kernel FILE] [options]\n"
		"    make debug [PROG=\"name args\"] [APPEND=...] [TEST=name [LAB=n]] [REPLAY=1|DIR|FILE.tar.gz] [RINGDB_ARGS=...]\n"
		"\n"
		"DESCRIPTION\n"
		"    Source, registers, pt_regs, TIF flags and the entry/exit pipeline on one\n"
		"    screen, or printed as text in batch mode (--batch, -ex).\n"
		"\n"
		"OPTIONS\n"
		"    --kernel FILE      start QEMU (scripts/ringside-qemu) on FILE, halted, and load its symbols\n"
		"    --initrd FILE      initramfs for --kernel (default: build/initramfs.cpio)\n"
		"    --append CMDLINE   kernel command line for --kernel (e.g. \"init=/bin/hello\")\n"
		"    --attach WHERE     connect to a running gdbstub (HOST:PORT, PORT or unix:PATH)\n"
		"    --symbols FILE     kernel ELF for symbols with --attach (default: build/kernel.elf)\n"
		"    --program FILE     the ELF of a user program, for its symbols and source in user mode\n"
		"                       (matched to the current task by name; repeatable; make debug BIN=FILE)\n"
		"    --user-dir DIR     where the other programs are: DIR/COMM for a task named COMM\n"
		"                       (default: user/bin beside the initramfs and beside the kernel)\n"
		"    --launcher PATH    the QEMU launcher (default: $RINGSIDE_QEMU, else the tree's scripts/ringside-qemu)\n"
		"    --record FILE      record the run (QEMU record/replay): FILE and FILE.qcow2\n"
		"    --replay FILE|DIR  replay a recording made with the same kernel, initrd and --append:\n"
		"                       the same execution, interrupts at the same instructions, every time;\n"
		"                       DIR: a folder of ringgrade --record-failures (DIR/rr, its kernel.elf and\n"
		"                       initramfs.cpio, used when --kernel/--initrd are not given)\n"
		"                       FILE.tar.gz|.tgz|.tar: such a folder packed as one file (ringgrade --pack,\n"
		"                       the Gradescope bundle), unpacked into a private folder in $TMPDIR that is\n"
		"                       removed when ringdb ends; a damaged archive, or one recorded with another\n"
		"                       QEMU version, is refused with a message naming what differs\n"
		"    --real-time        the guest clock follows the host's (default: it counts instructions, so\n"
		"                       interrupts land on the same instruction in every run)\n"
		"    --batch FILE       run the commands in FILE without a screen ('-' = stdin)\n"
		"    -ex CMD            run CMD without a screen (repeatable; after --batch)\n"
		"    --init-ex CMD      run CMD on connecting, then open the screen or run the batch commands (repeatable;\n"
		"                       e.g. --init-ex 'syscall' starts at the first syscall)\n"
		"    --log-rsp FILE     write the RSP transcript to FILE\n"
		"    --width N          width of panels printed in batch mode (default 100)\n"
		"    --timeout SECONDS  batch: interrupt a run that has not stopped by then (default 30)\n"
		"    --help-markdown    print the command table as markdown (docs/ringdb.md)\n"
		"    -h, --help         this text\n"
		"\nCOMMANDS (batch, -ex, or ':' on the screen)\n");
	commands_print_help(out);
	fprintf(out, "\nKEYS (on the screen)\n");
	keys_print_help(out);
	fprintf(out, "\nPANELS (panel NAME)\n    ");
	for (int i = 0; i < panel_type_count; i++)
		fprintf(out, "%s%s", i ? " " : "", panel_types[i].name);
	fprintf(out, "\n\nLAYOUTS (layout NAME)\n    ");
	for (int i = 0; i < layout_count; i++)
		fprintf(out, "%s%s", i ? " " : "", layouts[i].name);
	fprintf(out,
		"\n\nEXIT STATUS\n"
		"    0 ok, 1 a batch command failed, 2 usage, 3 QEMU not started or not\n"
		"    reachable, 4 the kernel ELF is unreadable.\n"
		"\nSEE ALSO\n"
		"    docs/ringdb.md (the manual), docs/tour.md, scripts/ringside-qemu --help\n");
}

/* The launcher sits in scripts/ of the tree that holds the kernel (or
 * the current directory). */
static void find_launcher(char *out, size_t cap, const char *kernel)
{
	const char *env = getenv("RINGSIDE_QEMU");
	if (env) {
		snprintf(out, cap, "%s", env);
		return;
	}
	char path[PATH_MAX];
	if (kernel && realpath(kernel, path)) {
		/* KERNEL is usually TREE/build/kernel.elf */
		char *d = dirname(path);
		char cand[PATH_MAX + 64];
		snprintf(cand, sizeof cand, "%s/../scripts/ringside-qemu", d);
		if (access(cand, X_OK) == 0) {
			snprintf(out, cap, "%s", cand);
			return;
		}
	}
	/* A kernel from elsewhere (a recording folder): the tree this ringdb
	 * was built in (TREE/build/bin/ringdb). */
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char cand[PATH_MAX + 64];
		snprintf(cand, sizeof cand, "%s/../../scripts/ringside-qemu", dirname(exe));
		if (access(cand, X_OK) == 0) {
			snprintf(out, cap, "%s", cand);
			return;
		}
	}
	snprintf(out, cap, "scripts/ringside-qemu");
}

static int run_batch_file(struct session *s, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f) {
		fprintf(stderr, "ringdb: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	char line[1024];
	while (!s->quit && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] && line[0] != '#')
			fprintf(s->out, "(ringdb) %s\n", line);
		fflush(s->out);
		command_execute(s, line);
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	const char *kernel = NULL, *initrd = NULL, *append = NULL, *attach = NULL, *symbols = NULL;
	const char *batch = NULL, *log_rsp = NULL, *launcher_opt = NULL;
	const char *ex[64], *init_ex[64];
	int nex = 0, ninit = 0, width = 100, timeout_s = 30;
	bool real_time = false;
	const char *replay = NULL, *record = NULL;
	const char *programs[8], *user_dir = NULL;
	int nprograms = 0;

	/* GDB spells it -ex; getopt_long_only would accept that but also
	 * mangle other short options, so translate it first. */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-ex") == 0)
			argv[i] = "--ex";
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' }, { "initrd", required_argument, NULL, 'i' },
		{ "append", required_argument, NULL, 'a' }, { "attach", required_argument, NULL, 'A' },
		{ "symbols", required_argument, NULL, 'S' }, { "batch", required_argument, NULL, 'b' },
		{ "ex", required_argument, NULL, 'e' }, { "log-rsp", required_argument, NULL, 'L' },
		{ "width", required_argument, NULL, 'w' }, { "timeout", required_argument, NULL, 't' },
		{ "launcher", required_argument, NULL, 'l' }, { "help-markdown", no_argument, NULL, 'M' },
		{ "init-ex", required_argument, NULL, 'I' }, { "real-time", no_argument, NULL, 'R' },
		{ "replay", required_argument, NULL, 'P' }, { "record", required_argument, NULL, 'C' },
		{ "program", required_argument, NULL, 'p' }, { "user-dir", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': kernel = optarg; break;
		case 'i': initrd = optarg; break;
		case 'a': append = optarg; break;
		case 'A': attach = optarg; break;
		case 'S': symbols = optarg; break;
		case 'b': batch = optarg; break;
		case 'e':
			if (nex < 64)
				ex[nex++] = optarg;
			break;
		case 'I':
			if (ninit < 64)
				init_ex[ninit++] = optarg;
			break;
		case 'L': log_rsp = optarg; break;
		case 'w': width = atoi(optarg); break;
		case 't': timeout_s = atoi(optarg); break;
		case 'l': launcher_opt = optarg; break;
		case 'R': real_time = true; break;
		case 'P': replay = optarg; break;
		case 'C': record = optarg; break;
		case 'p':
			if (access(optarg, R_OK) != 0) {
				fprintf(stderr, "ringdb: --program %s: %s\n", optarg, strerror(errno));
				return EXIT_USAGE;
			}
			if (nprograms == 8) {
				fprintf(stderr, "ringdb: at most 8 --program files\n");
				return EXIT_USAGE;
			}
			programs[nprograms++] = optarg;
			break;
		case 'U': user_dir = optarg; break;
		case 'M': commands_print_markdown(stdout); return EXIT_OK;
		case 'h': usage(stdout); return EXIT_OK;
		default:
			fprintf(stderr, "ringdb: see --help\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ringdb: unexpected argument '%s' (see --help)\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (kernel && attach) {
		fprintf(stderr, "ringdb: give --kernel (start QEMU) or --attach (use a running one), not both\n");
		return EXIT_USAGE;
	}
	if (!kernel && !attach && !replay) {
		fprintf(stderr, "ringdb: nothing to debug: give --kernel build/kernel.elf or --attach HOST:PORT (see --help)\n");
		return EXIT_USAGE;
	}
	/* A recording folder (ringgrade --record-failures, make grade): its
	 * log is DIR/rr, and it carries the kernel and initramfs it ran. */
	static char replay_file[PATH_MAX], replay_kernel[PATH_MAX], replay_initrd[PATH_MAX];
	/* A packed recording (FILE.tar.gz: ringgrade --pack, the Gradescope
	 * bundle): unpacked into a private folder that goes when ringdb does. */
	static char replay_unpacked[PATH_MAX];
	const char *replay_archive = NULL;
	if (replay && !attach && rrarchive_is_archive(replay)) {
		char err[PATH_MAX + 256];
		if (access(replay, R_OK) != 0) {
			fprintf(stderr, "ringdb: cannot read the recording %s: %s\n", replay, strerror(errno));
			return EXIT_USAGE;
		}
		if (rrarchive_open(replay, replay_unpacked, sizeof replay_unpacked, err, sizeof err) < 0) {
			fprintf(stderr, "ringdb: %s\n", err);
			return EXIT_USAGE;
		}
		replay_archive = replay;
		replay = replay_unpacked;
	}
	if (replay && !attach) {
		struct stat st;
		if (stat(replay, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(replay_file, sizeof replay_file, "%s/rr", replay);
			replay = replay_file;
		}
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s", replay);
		char *d = dirname(dir);
		snprintf(replay_kernel, sizeof replay_kernel, "%s/kernel.elf", d);
		snprintf(replay_initrd, sizeof replay_initrd, "%s/initramfs.cpio", d);
		if (!kernel && access(replay_kernel, R_OK) == 0) {
			kernel = replay_kernel;
			if (!initrd && access(replay_initrd, R_OK) == 0)
				initrd = replay_initrd;
		}
	}
	if ((replay || record || real_time) && !kernel) {
		fprintf(stderr, "ringdb: --replay, --record and --real-time start QEMU: they need --kernel "
			"(a recording folder with kernel.elf needs none)\n");
		return EXIT_USAGE;
	}
	if (replay && record) {
		fprintf(stderr, "ringdb: give --replay FILE or --record FILE, not both\n");
		return EXIT_USAGE;
	}
	if (replay && access(replay, R_OK) != 0) {
		fprintf(stderr, "ringdb: cannot read the recording %s: %s\n", replay, strerror(errno));
		return EXIT_USAGE;
	}
	if (timeout_s <= 0 || width < 40) {
		fprintf(stderr, "ringdb: --timeout wants seconds > 0, --width at least 40\n");
		return EXIT_USAGE;
	}

	static struct session s;
	session_init(&s);
	s.batch = batch || nex > 0;
	s.width = width;
	s.run_timeout_ms = timeout_s * 1000;
	if (log_rsp) {
		s.t.conn.log = fopen(log_rsp, "w");
		if (!s.t.conn.log) {
			fprintf(stderr, "ringdb: cannot write %s: %s\n", log_rsp, strerror(errno));
			return EXIT_USAGE;
		}
	}
	/* Before the screen exists, messages go to the terminal. */
	bool batch_mode = s.batch;
	s.batch = true;
	const char *elf = kernel ? kernel : symbols ? symbols : (access("build/kernel.elf", R_OK) == 0 ? "build/kernel.elf" : NULL);
	if (elf && session_load_symbols(&s, elf) < 0) {
		session_free(&s);
		return EXIT_NO_SYMBOLS;
	}
	if (!elf)
		session_printf(&s, "warning: no kernel symbols (give --symbols FILE): addresses only");
	/* The user programs: named ones, then DIR/COMM. */
	for (int i = 0; i < nprograms; i++)
		s.programs[s.nprograms++] = programs[i];
	if (!initrd && kernel && access("build/initramfs.cpio", R_OK) == 0)
		initrd = "build/initramfs.cpio";
	if (user_dir) {
		snprintf(s.user_dirs[s.nuser_dirs++], sizeof s.user_dirs[0], "%s", user_dir);
	} else {
		const char *beside[2] = { initrd, elf };
		for (int i = 0; i < 2; i++) {
			char path[PATH_MAX];
			if (!beside[i])
				continue;
			snprintf(path, sizeof path, "%s", beside[i]); /* dirname may write to it */
			char dir[PATH_MAX + 16];
			snprintf(dir, sizeof dir, "%s/user/bin", dirname(path));
			if (access(dir, R_OK) == 0 && (s.nuser_dirs == 0 || strcmp(s.user_dirs[0], dir) != 0))
				snprintf(s.user_dirs[s.nuser_dirs++], sizeof s.user_dirs[0], "%s", dir);
		}
	}
	int rc;
	if (kernel) {
		char launcher[PATH_MAX];
		if (launcher_opt)
			snprintf(launcher, sizeof launcher, "%s", launcher_opt);
		else
			find_launcher(launcher, sizeof launcher, kernel);
		if (!initrd && access("build/initramfs.cpio", R_OK) == 0)
			initrd = "build/initramfs.cpio";
		if (real_time)
			s.launcher_args[s.nlauncher_args++] = "--real-time";
		if (replay) {
			s.launcher_args[s.nlauncher_args++] = "--replay";
			s.launcher_args[s.nlauncher_args++] = replay;
		}
		if (record) {
			s.launcher_args[s.nlauncher_args++] = "--record";
			s.launcher_args[s.nlauncher_args++] = record;
		}
		rc = session_start_qemu(&s, launcher, kernel, initrd, append);
	} else {
		rc = session_attach(&s, attach);
	}
	/* However ringdb ends from here on (a signal, SIGKILL, a crash), the
	 * keeper process stops the QEMU it started and removes its files
	 * (keeper.h): no handler to run. */
	if (rc) {
		if (replay_archive)
			fprintf(stderr, "ringdb: (%s is the recording %s, unpacked for this replay)\n", replay_unpacked,
				replay_archive);
		session_free(&s);
		return EXIT_NO_TARGET;
	}
	s.batch = batch_mode;
	int status = EXIT_OK;
	if (s.batch) {
		/* --init-ex first, as on the screen (make debug TEST=... starts
		 * where the test is worth debugging, also in batch mode). */
		for (int i = 0; i < ninit && !s.quit; i++) {
			fprintf(s.out, "(ringdb) %s\n", init_ex[i]);
			fflush(s.out);
			command_execute(&s, init_ex[i]);
		}
		if (batch && run_batch_file(&s, batch) < 0)
			status = EXIT_USAGE;
		for (int i = 0; i < nex && !s.quit; i++) {
			fprintf(s.out, "(ringdb) %s\n", ex[i]);
			fflush(s.out);
			command_execute(&s, ex[i]);
		}
		if (status == EXIT_OK && s.errors)
			status = EXIT_COMMAND_FAILED;
	} else {
		/* Commands to run before the screen opens: their messages go to
		 * the log panel, as if typed at the ':' prompt. */
		for (int i = 0; i < ninit && !s.quit; i++)
			command_execute(&s, init_ex[i]);
		if (!s.quit && ui_run(&s) != 0)
			status = EXIT_USAGE;
	}
	session_free(&s);
	if (s.t.conn.log)
		fclose(s.t.conn.log);
	return status;
}
