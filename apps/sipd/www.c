/*
 * www.c - serve the embedded status page (www.h): "/" is /index.html.
 */
#include <string.h>

#include "mgmt.h"
#include "www.h"

bool sipd_www(struct sip_http_req *rq, const char *path)
{
	if (!strcmp(path, "/"))
		path = "/index.html";
	for (size_t i = 0; i < sipd_www_nfiles; i++) {
		const struct sipd_www_file *f = &sipd_www_files[i];

		if (!strcmp(path, f->path)) {
			sip_http_reply(rq, 200, f->ctype, f->data, f->len);
			return true;
		}
	}
	return false;
}
