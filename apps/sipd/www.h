/*
 * www.h - the status page's files, embedded at build time by
 * cmake/embed_www.cmake from src/mgmt/www/ (plain HTML, JS and CSS, no
 * build step of their own).
 */
#ifndef SIPD_WWW_H
#define SIPD_WWW_H

#include <stddef.h>

struct sipd_www_file {
	const char *path;              /* "/index.html" */
	const char *ctype;
	const unsigned char *data;
	size_t len;
};

extern const struct sipd_www_file sipd_www_files[];
extern const size_t sipd_www_nfiles;

#endif
