/*
 * quarantinectl.h - "guardianctl quarantine": the reviewers' commands
 *
 *	guardianctl [-c CONFIG] quarantine list [--since DATE|DAYSd]
 *	    [--rule ID] [--sender TEXT] [--recipient TEXT]
 *	    [--status held|released|deleted] [--json]
 *	guardianctl [-c CONFIG] quarantine show [--raw] ID
 *	guardianctl [-c CONFIG] quarantine release ID --reason TEXT
 *	guardianctl [-c CONFIG] quarantine delete ID --reason TEXT
 *	guardianctl [-c CONFIG] quarantine purge --older-than DAYS
 *	guardianctl [-c CONFIG] quarantine reindex
 *	guardianctl [-c CONFIG] quarantine audit
 *
 * Only root and members of the reviewer group may run them. Every
 * release, delete and purge is appended to the audit log with the
 * login name of the user who ran it (getuid()), and needs a reason.
 */
#ifndef GUARDIAN_QUARANTINECTL_H
#define GUARDIAN_QUARANTINECTL_H

/* quarantinectl_main - argv[0] is "quarantine"; returns the exit
 * status (sysexits.h; 0 on success) */
int quarantinectl_main(const char *config_path, int argc, char **argv);

#endif /* GUARDIAN_QUARANTINECTL_H */
