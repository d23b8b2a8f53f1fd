package io.maas.trainer.data;

/**
 * One labelled text.
 *
 * @param id       unique within its dataset; the split hashes it
 * @param text     the raw text, as the model will see it in production
 * @param label    the class name
 * @param checksum identifies identical content (duplicates are dropped)
 */
public record Example(String id, String text, String label, String checksum) {}
