/*
 * rosterctl.h - "guardianctl roster": look an address up in the
 * directory, check an export
 */
#ifndef GUARDIAN_ROSTERCTL_H
#define GUARDIAN_ROSTERCTL_H

/*
 * rosterctl_main - run "roster lookup ADDRESS..." or "roster check
 * [--preferences FILE] [DIR...]" (argv[0] is "roster"). Output goes to
 * stdout, problems to stderr. Returns the exit status: 0, 64 (usage),
 * 65 (an export with errors, an address that is not user@domain), 78
 * (the configuration), 70 (out of memory).
 */
int rosterctl_main(const char *config_path, int argc, char **argv);

#endif /* GUARDIAN_ROSTERCTL_H */
