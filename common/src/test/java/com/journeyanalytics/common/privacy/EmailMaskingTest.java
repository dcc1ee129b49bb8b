package com.journeyanalytics.common.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailMaskingTest {

  // Expected hashes computed outside the code under test: printf '%s' ADDRESS | sha256sum
  private static final String ANN = "0b2d6603047b0e23d4fc76b502153865296189b7d3a170d1a7b2dcda4e2b6d10"; // ann@x.com
  private static final String JOSE_EXAMPLE_UMLAUT = "fd77ec53c6567bfa7b9f7110e10d3d985380bd7ab39c134586f9e35e1136f1db"; // josé@exämple.de (NFC)
  private static final String ANN_PUNYCODE = "c01625e797f4448f6581ff15a4cdc56c97ca3772e348a4860858b4796ff3561c"; // ann@xn--exmple-cua.de
  private static final String IVAN_RF = "cb4b36bdf051246cea8fccee1fc96b91ba2f26b7d1ad500c51711d86a03ebfeb"; // иван@пример.рф
  private static final String JOSE_EXAMPLE = "211ad1f11bf7ecb130f13238f8b58d1e4b95710cb73a989d8ad08484d54bade6"; // josé@example.de
  private static final String BOB = "855fb34030755ecacfc621a620ee8284c6985629931688a929ef4b35a58c902a"; // bob@y.org
  // printf '%s' ann@x.com | openssl dgst -sha256 -hmac test-key-0123456789abcdef
  private static final String ANN_HMAC = "dcb2090852c1971f201313ffb7926e31da99495e9b901a674f47bb4bda6983eb";
  private static final String KEY = "test-key-0123456789abcdef";

  private final EmailMasking plain = EmailMasking.withKey(null);

  @Test
  void anAddressIsReplacedByTheHashOfItsTrimmedLowerCasedForm() {
    assertThat(plain.mask("contact Ann@X.com today")).isEqualTo("contact email:" + ANN + " today");
    assertThat(plain.hash("  Ann@X.COM ")).isEqualTo(ANN);
  }

  @Test
  void aUnicodeLocalPartAndDomainAreMaskedWhateverTheirUnicodeNormalForm() {
    String composed = "josé@exämple.de";
    String decomposed = "jose\u0301@exa\u0308mple.de";
    assertThat(plain.mask("from " + composed)).isEqualTo("from email:" + JOSE_EXAMPLE_UMLAUT);
    assertThat(plain.mask("from " + decomposed)).isEqualTo("from email:" + JOSE_EXAMPLE_UMLAUT);
    assertThat(plain.mask("Иван@Пример.РФ")).isEqualTo("email:" + IVAN_RF);
  }

  @Test
  void aPunycodeDomainIsMaskedAsWritten() {
    assertThat(plain.mask("<ann@xn--exmple-cua.de>")).isEqualTo("<email:" + ANN_PUNYCODE + ">");
  }

  @Test
  void anAddressInAUrlIsMaskedAndTheRestOfTheUrlKept() {
    assertThat(plain.mask("/signup?email=ann@x.com&utm_source=news"))
        .isEqualTo("/signup?email=email:" + ANN + "&utm_source=news");
  }

  @Test
  void aUrlEncodedAtSignIsDecodedBeforeHashingSoTheHashMatchesThePlainAddress() {
    assertThat(plain.mask("/signup?email=Ann%40X.com&x=1")).isEqualTo("/signup?email=email:" + ANN + "&x=1");
    // An encoded "=" ends the query key: only what follows it is the address.
    assertThat(plain.mask("ref=email%3Dann%40x.com")).isEqualTo("ref=email%3Demail:" + ANN);
    // Percent-encoded UTF-8 in the local part is decoded too.
    assertThat(plain.mask("to=jos%C3%A9%40example.de")).isEqualTo("to=email:" + JOSE_EXAMPLE);
  }

  @Test
  void everyAddressOfATextIsMaskedAndTrailingPunctuationKept() {
    assertThat(plain.mask("ann@x.com, bob@y.org.")).isEqualTo("email:" + ANN + ", email:" + BOB + ".");
  }

  @Test
  void textWithoutAnAddressIsLeftAsItIs() {
    assertThat(plain.mask("50% off @ the store, retina@2x, 100%40 pages")).isEqualTo("50% off @ the store, retina@2x, 100%40 pages");
    assertThat(plain.mask(null)).isNull();
  }

  @Test
  void withAKeyTheHashIsAnHmacSha256AndDiffersFromThePlainHash() {
    EmailMasking keyed = EmailMasking.withKey(KEY);
    assertThat(keyed.hash("Ann@X.com")).isEqualTo(ANN_HMAC).isNotEqualTo(ANN);
    assertThat(keyed.mask("/signup?email=ann%40x.com")).isEqualTo("/signup?email=email:" + ANN_HMAC);
  }
}
