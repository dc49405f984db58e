/* ui: ncurses front end over textbuf. */
#include "ui.h"

#include <curses.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "panels.h"

static int attr_map[ATTR_COUNT];

static void init_colors(void)
{
	attr_map[ATTR_NORMAL] = A_NORMAL;
	attr_map[ATTR_TITLE] = A_BOLD;
	attr_map[ATTR_CHANGED] = A_BOLD | A_REVERSE;
	attr_map[ATTR_CURRENT] = A_BOLD;
	attr_map[ATTR_DIM] = A_DIM;
	attr_map[ATTR_BREAK] = A_BOLD;
	attr_map[ATTR_GOOD] = A_NORMAL;
	attr_map[ATTR_BAD] = A_BOLD;
	attr_map[ATTR_BORDER] = A_DIM;
	if (!has_colors())
		return;
	start_color();
	use_default_colors();
	init_pair(1, COLOR_CYAN, -1);
	init_pair(2, COLOR_RED, -1);
	init_pair(3, COLOR_YELLOW, -1);
	init_pair(4, COLOR_GREEN, -1);
	init_pair(5, COLOR_MAGENTA, -1);
	attr_map[ATTR_TITLE] = A_BOLD | COLOR_PAIR(1);
	attr_map[ATTR_CHANGED] = A_BOLD | COLOR_PAIR(2);
	attr_map[ATTR_CURRENT] = A_BOLD | COLOR_PAIR(3);
	attr_map[ATTR_GOOD] = COLOR_PAIR(4);
	attr_map[ATTR_BAD] = A_BOLD | COLOR_PAIR(2);
	attr_map[ATTR_BREAK] = A_BOLD | COLOR_PAIR(5);
	attr_map[ATTR_BORDER] = COLOR_PAIR(1);
}

static void blit(const struct textbuf *tb)
{
	for (int y = 0; y < tb->h && y < LINES; y++) {
		move(y, 0);
		for (int x = 0; x < tb->w && x < COLS; x++) {
			unsigned a = tb->attr[y * tb->w + x];
			addch((chtype)(unsigned char)tb->ch[y * tb->w + x] | (chtype)attr_map[a < ATTR_COUNT ? a : 0]);
		}
	}
}

static void draw(struct session *s, const char *input)
{
	struct textbuf tb;
	if (tb_init(&tb, COLS, LINES) < 0)
		return;
	screen_compose(s, &tb, input);
	erase();
	blit(&tb);
	if (input)
		move(LINES - 1, 1 + (int)strlen(input));
	refresh();
	tb_free(&tb);
}

static void help_screen(void)
{
	erase();
	int y = 0;
	char keys[512] = "ringdb keys:";
	for (int i = 0; i < key_binding_count; i++) {
		size_t used = strlen(keys);
		snprintf(keys + used, sizeof keys - used, " %c %s ", key_bindings[i].key, key_bindings[i].command);
	}
	mvaddnstr(y++, 0, keys, COLS);
	mvaddstr(y++, 0, "             Ctrl-C interrupt  J/K scroll source  : command line  ? help  q quit");
	y++;
	mvaddstr(y++, 0, "commands (type after ':'):");
	for (int i = 0; i < command_count && y < LINES - 2; i++) {
		char line[256];
		snprintf(line, sizeof line, "  %-10s %-4s %-26s %s", commands[i].name, commands[i].alias ? commands[i].alias : "",
			 commands[i].args, commands[i].help);
		mvaddnstr(y++, 0, line, COLS);
	}
	mvaddstr(LINES - 1, 0, "any key returns");
	refresh();
	timeout(-1);
	getch();
	timeout(100);
}

/* While the CPU runs, Ctrl-C (or q) interrupts it. */
static bool want_interrupt(void *arg)
{
	(void)arg;
	int ch = getch();
	return ch == 3 || ch == 'q';
}

static void run_command(struct session *s, const char *cmd)
{
	s->busy = cmd;
	draw(s, NULL);
	command_execute(s, cmd);
	s->busy = NULL;
}

int ui_run(struct session *s)
{
	if (!newterm(NULL, stdout, stdin)) {
		fprintf(stderr, "ringdb: cannot use this terminal (TERM=%s); try --batch\n", getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	raw();
	noecho();
	keypad(stdscr, TRUE);
	timeout(100);
	curs_set(0);
	init_colors();
	s->want_interrupt = want_interrupt;
	char input[256];
	bool typing = false;
	size_t len = 0;
	/* Redraw after a key or a resize only: an idle screen sends nothing to
	 * QEMU. */
	bool dirty = true;
	while (!s->quit) {
		if (dirty)
			draw(s, typing ? input : NULL);
		dirty = false;
		int ch = getch();
		if (ch == ERR)
			continue;
		dirty = true;
		if (ch == KEY_RESIZE)
			continue;
		if (typing) {
			if (ch == '\n' || ch == KEY_ENTER) {
				typing = false;
				curs_set(0);
				run_command(s, input);
			} else if (ch == 27 || ch == 3) {
				typing = false;
				curs_set(0);
			} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len > 0) {
				input[--len] = '\0';
			} else if (ch >= 0x20 && ch < 0x7f && len < sizeof input - 1) {
				input[len++] = (char)ch;
				input[len] = '\0';
			}
			continue;
		}
		switch (ch) {
		case ':':
			typing = true;
			len = 0;
			input[0] = '\0';
			curs_set(1);
			break;
		case '?':
		case KEY_F(1):
			help_screen();
			break;
		case 3: if (s->t.running) run_command(s, "interrupt"); break;
		case 'q': s->quit = true; break;
		default: {
			bool bound = false;
			for (int i = 0; i < key_binding_count && !bound; i++)
				if (ch == key_bindings[i].key ||
				    (key_bindings[i].fkey && ch == KEY_F(key_bindings[i].fkey))) {
					run_command(s, key_bindings[i].command);
					bound = true;
				}
			if (bound)
				break;
			const struct layout *l = &layouts[s->layout];
			for (int i = 0; i < 8 && l->slots[i].panel; i++) {
				const struct panel_type *p = panel_find(l->slots[i].panel);
				if (p && p->key && p->key(s, ch))
					break;
			}
		}
		}
	}
	endwin();
	return 0;
}
