import marshmallow as ma

from ecom.common.schemas import ResponseSchema

PDF = {"type": "string", "format": "binary"}


class CreditNoteSchema(ResponseSchema):
    id = ma.fields.Integer()
    number = ma.fields.String(metadata={"description": "`CN-<year>-<sequence>`, gapless."})
    invoice_number = ma.fields.String(
        attribute="invoice.number", metadata={"description": "The invoice it corrects."}
    )
    refund_id = ma.fields.Integer(metadata={"description": "The refund it documents."})
    issued_at = ma.fields.DateTime()
    currency = ma.fields.String()
    net_amount = ma.fields.Decimal(as_string=True, places=2)
    tax_amount = ma.fields.Decimal(as_string=True, places=2)
    gross_amount = ma.fields.Decimal(
        as_string=True, places=2, metadata={"description": "What was refunded."}
    )
    ready = ma.fields.Boolean(
        metadata={"description": "Whether its PDF is rendered and can be downloaded."},
    )
