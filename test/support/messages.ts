/** A name clash at create, as the provider says it: the object, its id, and what to do whether the stack holds it or not. */
export const clashAdvice = (clash: string, id: string) =>
  `${clash} (id ${id}), and this provider never takes over an object it did not just create: if this stack holds it (pulumi up --replace, a renamed resource, the same name declared twice), set the resource option deleteBeforeReplace: true, or give the renamed resource an alias to its old name; if it was made outside Pulumi or by a pulumi up that was killed, adopt it with the resource option import: "${id}" (it is compared with the program, nothing is registered); otherwise choose another name.`;

/** What every clash message says, whatever the object. */
export const clashAdviceStart = "and this provider never takes over an object it did not just create";
