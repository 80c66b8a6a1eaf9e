/** Which door a run came through: each speaks its own user's language in messages. */
export type Door = 'action' | 'cli'
