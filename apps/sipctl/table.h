/*
 * table.h - aligned text tables for sipctl's human output.
 *
 *   AOR                    CONTACT                     EXPIRES
 *   sip:alice@example.com  sip:alice@127.0.0.1:5070    3590
 *
 * Columns are as wide as their widest cell (counted in UTF-8
 * characters), two spaces apart; the last column is not padded, so no
 * line ends in blanks. Cells are copied; control characters in them are
 * shown as '?' so that a peer's User-Agent cannot move the terminal's
 * cursor.
 */
#ifndef SIPCTL_TABLE_H
#define SIPCTL_TABLE_H

#include <stddef.h>
#include <stdio.h>

enum { SIPCTL_TABLE_MAX_COLS = 12 };

struct sipctl_table {
	size_t ncols;
	char **cells;       /* rows * ncols, row 0 the header; owned */
	size_t nrows;       /* the header included */
	size_t cap;
	int err;            /* sticky ENOMEM */
};

/**
 * Start a table with the header cells @p head (NULL-terminated, at most
 * SIPCTL_TABLE_MAX_COLS). Returns 0, EINVAL or ENOMEM.
 */
int sipctl_table_init(struct sipctl_table *t, const char *const *head);

/**
 * Add a row of ncols cells (NULL prints as "-"). Allocation failure is
 * sticky and reported by sipctl_table_print().
 */
void sipctl_table_row(struct sipctl_table *t, const char *const *cells);

/** Rows added (the header not counted). */
size_t sipctl_table_rows(const struct sipctl_table *t);

/** Print the table on @p f. Returns 0, ENOMEM (from building) or EIO. */
int sipctl_table_print(const struct sipctl_table *t, FILE *f);

/** Free the cells. */
void sipctl_table_free(struct sipctl_table *t);

/** Characters (UTF-8 code points) in @p s. */
size_t sipctl_table_width(const char *s);

#endif
