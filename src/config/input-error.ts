/** A bad input: one line naming the input and what it accepts. Nothing has been written. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}
