/*
 * Entities of apply-only wide-EP rollouts, registered by wide-ep:register
 * and provided to the catalog by the wide-EP catalog module. In the plugin's
 * own database (coreServices.database), so every backend replica sees them.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('wide_ep_registered_entities', table => {
    table.comment('Catalog entities of apply-only wide-EP rollouts');
    // Lower-case kind:namespace/name, as the catalog compares refs: one row
    // per entity, so a re-run of wide-ep:register replaces, never adds.
    table.string('entity_ref', 255).primary().notNullable();
    table.text('entity').notNullable().comment('The entity, JSON');
    table.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at').notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('wide_ep_imported_entity_files', table => {
    table.comment(
      'Files of the deprecated wideEp.catalog.entitiesDirectory already imported, so a teardown is not undone by the next start',
    );
    // sha256 of the file name and its entity: an edited file imports again.
    table.string('file_hash', 64).primary().notNullable();
    table.text('file').notNullable();
    table.string('entity_ref', 255).notNullable();
    table.timestamp('imported_at').notNullable().defaultTo(knex.fn.now());
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('wide_ep_imported_entity_files');
  await knex.schema.dropTable('wide_ep_registered_entities');
};
