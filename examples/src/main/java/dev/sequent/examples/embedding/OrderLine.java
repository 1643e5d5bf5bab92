package dev.sequent.examples.embedding;

import java.nio.charset.StandardCharsets;

/**
 * What the checkout asks the orders service for, as the HTTP body and the branch payload: {@code
 * "lamp 2"}.
 */
record OrderLine(String sku, int quantity) {

  OrderLine {
    if (sku == null || !sku.matches("[a-z0-9-]{1,64}") || quantity < 1) {
      throw new IllegalArgumentException("invalid order line " + sku + " x " + quantity);
    }
  }

  byte[] toBytes() {
    return (sku + " " + quantity).getBytes(StandardCharsets.UTF_8);
  }

  static OrderLine parse(byte[] bytes) {
    String[] parts = new String(bytes, StandardCharsets.UTF_8).trim().split(" ");
    if (parts.length != 2) {
      throw new IllegalArgumentException("an order line is 'sku quantity'");
    }
    try {
      return new OrderLine(parts[0], Integer.parseInt(parts[1]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the quantity is not a number: " + parts[1], e);
    }
  }
}
