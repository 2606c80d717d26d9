<!-- portaltest: content-type="text/xml;charset=UTF-8" -->
<?xml version="1.0" encoding="UTF-8"?>
<datastore>
<totalrecord>100</totalrecord>
<totalpage>7</totalpage>
<recordset>

</recordset>
</datastore>
