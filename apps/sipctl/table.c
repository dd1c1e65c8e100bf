/*
 * table.c - aligned text tables (see table.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

size_t sipctl_table_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Copy with control characters as '?'. */
static char *cell_dup(const char *s)
{
	char *d = strdup(s ? s : "-");

	for (char *p = d; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = '?';
	return d;
}

int sipctl_table_init(struct sipctl_table *t, const char *const *head)
{
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	while (head[n])
		n++;
	if (!n || n > SIPCTL_TABLE_MAX_COLS)
		return EINVAL;
	t->ncols = n;
	sipctl_table_row(t, head);
	return t->err;
}

void sipctl_table_row(struct sipctl_table *t, const char *const *cells)
{
	char **c;

	if (t->err)
		return;
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;

		c = realloc(t->cells, cap * t->ncols * sizeof(*c));
		if (!c) {
			t->err = ENOMEM;
			return;
		}
		t->cells = c;
		t->cap = cap;
	}
	c = t->cells + t->nrows * t->ncols;
	for (size_t i = 0; i < t->ncols; i++) {
		c[i] = cell_dup(cells[i]);
		if (!c[i]) {
			while (i--)
				free(c[i]);
			t->err = ENOMEM;
			return;
		}
	}
	t->nrows++;
}

size_t sipctl_table_rows(const struct sipctl_table *t)
{
	return t->nrows ? t->nrows - 1 : 0;
}

int sipctl_table_print(const struct sipctl_table *t, FILE *f)
{
	size_t w[SIPCTL_TABLE_MAX_COLS] = { 0 }, r, c, n;

	if (t->err)
		return t->err;
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			n = sipctl_table_width(t->cells[r * t->ncols + c]);
			if (n > w[c])
				w[c] = n;
		}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			fputs(s, f);
			if (c + 1 < t->ncols)
				fprintf(f, "%*s", (int)(w[c] - sipctl_table_width(s) + 2), "");
		}
		fputc('\n', f);
	}
	return ferror(f) ? EIO : 0;
}

void sipctl_table_free(struct sipctl_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
