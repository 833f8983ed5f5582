// The startup parameters every OpenEdge utility accepts, wherever they stand on the command
// line (docs/openedge.md §0, §4 general syntax; rfutil takes `-T <dir>` after the qualifier): they are
// taken out before a utility parses its own arguments. The simulator has no codepages,
// users or encryption, so their values are accepted and otherwise unused.

/** What the standard parameters said (values are kept so a test can see they arrived). */
export interface StartupParams {
  tempDir?: string;
  cpinternal?: string;
  cpstream?: string;
  cpcoll?: string;
  cpcase?: string;
  userid?: string;
  password?: string;
  /** `-Passphrase`: the real utility prompts for the encryption passphrase. */
  passphrase: boolean;
  /** `-RO`: open read-only. */
  readOnly: boolean;
}

const WITH_VALUE: Record<string, keyof StartupParams> = {
  '-T': 'tempDir',
  '-cpinternal': 'cpinternal',
  '-cpstream': 'cpstream',
  '-cpcoll': 'cpcoll',
  '-cpcase': 'cpcase',
  '-U': 'userid',
  '-userid': 'userid',
  '-P': 'password',
  '-password': 'password',
};

/** `args` without the standard parameters, what they said, and a parameter left without its value. */
export function splitStartupParams(args: readonly string[]): {
  args: string[];
  params: StartupParams;
  missingValue: string | null;
} {
  const params: StartupParams = { passphrase: false, readOnly: false };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const key = WITH_VALUE[a];
    if (key !== undefined) {
      const value = args[i + 1];
      if (value === undefined) return { args: rest, params, missingValue: a };
      (params as unknown as Record<string, string>)[key] = value;
      i++;
    } else if (a === '-Passphrase') params.passphrase = true;
    else if (a === '-RO') params.readOnly = true;
    else rest.push(a);
  }
  return { args: rest, params, missingValue: null };
}
