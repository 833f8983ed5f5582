// The environment of the Node processes oeflow starts that open no TLS connection: the simulator's
// utilities and broker, the quiet-point guard, the rehearsal's `oeflow sim` calls.
//
// Node 20 reads and parses every certificate of NODE_EXTRA_CA_CERTS when it starts, before any code
// runs. With Debian's whole bundle there (/etc/ssl/certs/ca-certificates.crt, as hosts behind a
// TLS-inspecting proxy set it) that is ~35 ms of CPU per process, a third of a bare `node -e 0`
// (bench/README.md, "Certificates at Node start"). A process that never makes a TLS connection
// starts without it. oeflow's own CLI keeps the DBA's environment as it is.

/** Variables only TLS clients read, dropped from the processes above. */
export const TLS_ONLY_VARIABLES = ['NODE_EXTRA_CA_CERTS'] as const;

/** `env` without the TLS-only variables (a copy; `env` itself is left as it is). */
export function tlsFreeEnv<E extends Record<string, string | undefined>>(env: E): E {
  const copy = { ...env };
  for (const name of TLS_ONLY_VARIABLES) delete copy[name];
  return copy;
}

/** The same for a `#!/bin/sh` script that execs node: its `unset` line. */
export const TLS_FREE_SH = `unset ${TLS_ONLY_VARIABLES.join(' ')}`;
