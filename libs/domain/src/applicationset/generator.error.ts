/** A generator could not produce parameters; `path` names the generator field (`spec.generators[0].git`). */
export class GeneratorError extends Error {
  override readonly name = 'GeneratorError';
  constructor(
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${path}: ${message}`, options);
  }
}
