export { signBag, sm2Signer, signatureFile, verifyBagSignature, generateUnitKeyPair, SIGNATURE_FILE, type BagSignature, type SignatureVerdict } from './sm2.ts';
