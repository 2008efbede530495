// The one attribute copy every consumer uses for re-sends and dead-letter moves: the SDK's form (poller) and
// Lambda's camelCase records (binary values base64-encoded) give the same SendMessage attributes.
import t from 'tap'
import { copyAttributes } from '../../src/sqs/index.js'

t.test('SDK and Lambda attributes copy to the same SendMessage attributes', async (t) => {
  const bytes = Buffer.from([0, 1, 2, 255])
  const fromSdk = copyAttributes({
    text: { DataType: 'String', StringValue: 'héllo' },
    count: { DataType: 'Number', StringValue: '42' },
    blob: { DataType: 'Binary', BinaryValue: bytes },
    empty: { DataType: 'String' },
  })
  const fromLambda = copyAttributes({
    text: { dataType: 'String', stringValue: 'héllo' },
    count: { dataType: 'Number', stringValue: '42' },
    blob: { dataType: 'Binary', binaryValue: bytes.toString('base64') },
    empty: { dataType: 'String' },
  })
  const expected = {
    text: { DataType: 'String', StringValue: 'héllo' },
    count: { DataType: 'Number', StringValue: '42' },
    blob: { DataType: 'Binary', BinaryValue: bytes },
  }
  t.same(fromSdk, expected, 'attributes without a value are left out')
  t.same(fromLambda, expected, "Lambda's base64 binary becomes bytes")
  t.same(copyAttributes(undefined), {})
})
