/**
 * The server-side apply field manager of every wide-EP apply.
 *
 * @remarks
 * A constant on purpose: field ownership is recorded per manager name, so
 * renaming it would orphan every field applied so far and make the next
 * apply conflict with our own earlier applies.
 *
 * @public
 */
export const WIDE_EP_FIELD_MANAGER = 'wide-ep-backstage';
